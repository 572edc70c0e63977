import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useState } from 'react';
import { when } from '../../lib/format';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { listMyCases } from '../../services/cases';
import type { CaseSummary } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

export default function MyCases() {
  const [elderly] = useElderly();
  const [items, setItems] = useState<CaseSummary[]>();

  const load = async () => {
    if (!api().citizen.signedIn) return replace(routes.login(routes.cases()));
    const page = await listMyCases(api(), { limit: 20 }).catch(() => undefined);
    setItems(page?.items ?? []);
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  return (
    <View className={pageClass(elderly)}>
      <Text className="title">我的办件</Text>
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
