import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useState } from 'react';
import { when } from '../../lib/format';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { listMyCases } from '../../services/cases';
import { getMe } from '../../services/me';
import type { CaseSummary, Me } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

export default function MyCases() {
  const [elderly] = useElderly();
  const [items, setItems] = useState<CaseSummary[]>();
  const [me, setMe] = useState<Me>();

  const load = async () => {
    if (!api().citizen.signedIn) return replace(routes.login(routes.cases()));
    const [page, who] = await Promise.all([
      listMyCases(api(), { limit: 20 }).catch(() => undefined),
      getMe(api()).catch(() => undefined),
    ]);
    setItems(page?.items ?? []);
    setMe(who);
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">我的办件</Text>
      {me && (
        <View className="row card">
          <Text style={{ flex: 1 }}>{me.phoneBound ? `手机号 ${me.phoneMasked}` : '未绑定手机号'}</Text>
          <View
            className="link"
            ariaRole="button"
            ariaLabel={me.phoneBound ? '更换手机号' : '绑定手机号'}
            onClick={() => go(routes.phone())}
          >
            {me.phoneBound ? '更换' : '去绑定'}
          </View>
        </View>
      )}
      {items === undefined && <Text className="muted">加载中…</Text>}
      {items?.length === 0 && <Text className="muted">您还没有办件</Text>}
      {items?.map((c) => (
        <View
          key={c.id}
          className="card"
          ariaRole="link"
          ariaLabel={`${c.service.name}，${c.statusLabel}，提交于${when(c.submittedAt)}`}
          onClick={() => go(routes.case(c.id))}
        >
          <View className="row">
            <Text>{c.service.name}</Text>
            <Text className="chip">{c.statusLabel}</Text>
          </View>
          <Text className="muted">
            办件编号 {c.caseNumber} · {when(c.submittedAt)}
          </Text>
        </View>
      ))}
    </View>
  );
}
