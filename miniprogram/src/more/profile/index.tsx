import { Switch, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { dateText } from '../../lib/format';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { type CitizenProfile, getProfile, type ProfileConsent, updateConsent } from '../../services/profile';
import { pageClass, useElderly } from '../../stores/elderly';

/** Consents grouped by department source, in the order the gateway lists them. */
export function bySource(consents: ProfileConsent[]): { sourceLabel: string; consents: ProfileConsent[] }[] {
  const groups = new Map<string, { sourceLabel: string; consents: ProfileConsent[] }>();
  for (const c of consents) {
    const g = groups.get(c.source) ?? { sourceLabel: c.sourceLabel, consents: [] };
    g.consents.push(c);
    groups.set(c.source, g);
  }
  return [...groups.values()];
}

/**
 * 我的档案: what the departments' data say about the citizen (each value with its source and date), the
 * life events seen, and a switch per source and purpose to allow or withdraw the use of that data.
 */
export default function ProfilePage() {
  const [elderly] = useElderly();
  const a = api();
  const [profile, setProfile] = useState<CitizenProfile>();
  const [failed, setFailed] = useState(false);
  const [saving, setSaving] = useState<string>();
  // A native switch keeps its own position: a new key puts it back when the change did not go through.
  const [rev, setRev] = useState(0);

  useDidShow(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.profile()));
    getProfile(a).then(setProfile, () => setFailed(true));
  });

  const toggle = async (c: ProfileConsent, granted: boolean) => {
    const key = `${c.source}/${c.purpose}`;
    if (saving) return;
    setSaving(key);
    try {
      setProfile(await updateConsent(a, { source: c.source, purpose: c.purpose, granted }));
      a.platform.toast(granted ? '已授权' : '已撤回授权', 'success');
    } catch {
      // The request layer has said why; the switch goes back to what the gateway has.
      setRev((r) => r + 1);
    } finally {
      setSaving(undefined);
    }
  };

  if (!profile)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">{failed ? '档案加载失败，请稍后重试' : '加载中…'}</Text>
      </View>
    );
  if (!profile.bound)
    return (
      <View className={pageClass(elderly)}>
        <View className="card">
          <Text className="title">您还没有完成实名认证</Text>
          <Text className="muted">
            实名认证后，可以在这里查看各部门为您登记的信息，并管理这些信息的使用授权。
          </Text>
          <View
            className="btn"
            ariaRole="button"
            ariaLabel="去实名认证"
            onClick={() => go(routes.realName())}
          >
            去实名认证
          </View>
        </View>
      </View>
    );

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">我的档案</Text>
      <Text className="muted">
        {profile.name} · 身份证 {profile.idNumber}
      </Text>

      <View className="card">
        <Text className="title">档案信息</Text>
        {profile.items.map((i) => (
          <View key={i.fact} className="suggest__item">
            <View className="row">
              <Text>{i.label}</Text>
              <Text>{i.value}</Text>
            </View>
            <Text className="field__help">
              来源：{i.sourceLabel} · {dateText(i.observedAt)}
            </Text>
          </View>
        ))}
        {profile.items.length === 0 && <Text className="muted">暂未收到各部门关于您的信息</Text>}
        {[...profile.excluded, ...profile.conflicts].map((note) => (
          <Text key={note} className="field__help">
            说明：{note}
          </Text>
        ))}
      </View>

      {profile.timeline.length > 0 && (
        <View className="card">
          <Text className="title">人生大事</Text>
          {profile.timeline.map((t) => (
            <View key={`${t.kind}-${t.at}`} className="timeline__item">
              <Text>{t.label}</Text>
              <Text className="field__help">
                {dateText(t.at)} · 来源：{t.sourceLabel}
              </Text>
            </View>
          ))}
        </View>
      )}

      <View className="card">
        <Text className="title">数据使用授权</Text>
        <Text className="muted">
          关闭某项后，该部门的信息将不再用于对应用途（判断您是否符合政策、办事时自动填写、主动为您推荐服务），已办理的事项不受影响。
        </Text>
        {bySource(profile.consents).map((g) => (
          <View key={g.sourceLabel} className="suggest__item">
            <Text className="field__label">{g.sourceLabel}</Text>
            {g.consents.map((c) => (
              <View key={c.purpose} className="row">
                <View>
                  <Text>{c.purposeLabel}</Text>
                  {!c.granted && c.revokedAt && (
                    <Text className="field__help">已于{dateText(c.revokedAt)}撤回</Text>
                  )}
                </View>
                <Switch
                  key={rev}
                  checked={c.granted}
                  disabled={saving !== undefined}
                  ariaLabel={`${g.sourceLabel}的信息用于${c.purposeLabel}`}
                  onChange={(e) => void toggle(c, Boolean(e.detail.value))}
                />
              </View>
            ))}
          </View>
        ))}
      </View>

      <View
        className="btn btn--plain"
        ariaRole="button"
        ariaLabel="查看您可享受的政策"
        onClick={() => go(routes.policies())}
      >
        查看您可享受的政策
      </View>
    </View>
  );
}
