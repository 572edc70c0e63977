import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { MissingList } from '../../components/Eligibility';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { explanationBeside, listPolicies, type PolicyList, type PolicyMatch } from '../../services/profile';
import { pageClass, useElderly } from '../../stores/elderly';

/** One policy: 符合 / 暂不符合, why, what is still missing, and 去申请 when the citizen may apply. */
export function PolicyCard({ p }: { p: PolicyMatch }) {
  return (
    <View className="card" ariaRole="article" ariaLabel={`${p.title}，${p.eligible ? '符合' : '暂不符合'}`}>
      <View className="row">
        <Text className="field__label">{p.title}</Text>
        <Text className={`chip${p.eligible ? ' chip--on' : ''}`}>{p.eligible ? '符合' : '暂不符合'}</Text>
      </View>
      {p.summary && <Text className="muted">{p.summary}</Text>}
      {explanationBeside(p) && <Text className="field__help">{explanationBeside(p)}</Text>}
      {p.reasons.map((r) => (
        <Text key={r} className="field__help">
          ✓ {r}
        </Text>
      ))}
      {!p.eligible && <MissingList missing={p.missing} />}
      {p.eligible && p.grant === 'automatic' && (
        <Text className="field__help">免申即享：无需申请，符合条件后将自动为您办理</Text>
      )}
      {p.eligible && p.grant === 'apply' && (
        <View
          className="btn btn--small"
          ariaRole="button"
          ariaLabel={`去申请${p.serviceName}`}
          onClick={() => go(routes.service(p.serviceCode))}
        >
          去申请
        </View>
      )}
    </View>
  );
}

/** 您可享受的政策: every policy matched against the citizen's profile, those they meet first. */
export default function PoliciesPage() {
  const [elderly] = useElderly();
  const a = api();
  const [list, setList] = useState<PolicyList>();
  const [failed, setFailed] = useState(false);

  useDidShow(() => {
    if (!a.citizen.signedIn) return replace(routes.login(routes.policies()));
    listPolicies(a).then(setList, () => setFailed(true));
  });

  if (!list)
    return (
      <View className={pageClass(elderly)}>
        <Text className="muted">{failed ? '政策加载失败，请稍后重试' : '加载中…'}</Text>
      </View>
    );
  const sorted = [...list.items].sort((x, y) => Number(y.eligible) - Number(x.eligible));
  return (
    <View className={pageClass(elderly)}>
      <Text className="title">您可享受的政策</Text>
      {!list.bound && (
        <View className="card">
          <Text>实名认证后，为您查看是否符合以下政策</Text>
          <View
            className="btn"
            ariaRole="button"
            ariaLabel="去实名认证"
            onClick={() => go(routes.realName())}
          >
            去实名认证
          </View>
        </View>
      )}
      {list.bound && (
        <Text className="muted">根据各部门为您登记的信息判断，仅供参考，以部门审核结果为准。</Text>
      )}
      {sorted.map((p) => (
        <PolicyCard key={p.code} p={p} />
      ))}
      {sorted.length === 0 && <Text className="muted">暂无可匹配的政策</Text>}
      {list.bound && (
        <View
          className="link"
          ariaRole="link"
          ariaLabel="信息有误？查看我的档案"
          onClick={() => go(routes.profile())}
        >
          信息有误？查看我的档案
        </View>
      )}
    </View>
  );
}
