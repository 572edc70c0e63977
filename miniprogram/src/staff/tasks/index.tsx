import { Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { when } from '../../lib/format';
import { go, replace, routes } from '../../lib/nav';
import { api } from '../../services/api';
import { BOXES, type Box, getStaffMe, listTasks } from '../../services/staff';
import type { StaffMe, TaskSummary } from '../../services/types';
import { pageClass, useElderly } from '../../stores/elderly';

export default function StaffTasks() {
  const [elderly] = useElderly();
  const [box, setBox] = useState<Box>('todo');
  const [overdue, setOverdue] = useState(false);
  const [caseNumber, setCaseNumber] = useState('');
  const [me, setMe] = useState<StaffMe>();
  const [items, setItems] = useState<TaskSummary[]>();

  const load = useCallback(
    async (next: { box?: Box; overdue?: boolean; caseNumber?: string } = {}) => {
      if (!api().staff.signedIn) return replace(routes.staffLogin(routes.staffTasks()));
      const q = {
        box: next.box ?? box,
        overdue: (next.overdue ?? overdue) || undefined,
        caseNumber: (next.caseNumber ?? caseNumber) || undefined,
      };
      const [m, page] = await Promise.all([
        getStaffMe(api()).catch(() => undefined),
        listTasks(api(), q).catch(() => undefined),
      ]);
      if (m) setMe(m);
      setItems(page?.items ?? []);
    },
    [box, overdue, caseNumber],
  );

  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  const count = (b: Box) => (b === 'todo' ? me?.counts.todo : b === 'cc' ? me?.counts.ccUnread : undefined);

  return (
    <View className={pageClass(elderly)}>
      {me && (
        <View className="row">
          <Text className="muted" style={{ flex: 1 }}>
            {me.name} · {me.departments.map((d) => d.name).join('、')}
          </Text>
          <View
            className="link"
            ariaRole="link"
            ariaLabel="部门数据看板"
            onClick={() => go(routes.dashboard())}
          >
            数据看板
          </View>
        </View>
      )}
      <View className="chips" ariaRole="tablist">
        {BOXES.map((b) => (
          <View
            key={b.box}
            className={`chip${box === b.box ? ' chip--on' : ''}`}
            ariaRole="tab"
            ariaLabel={`${b.label}${count(b.box) ? `，${count(b.box)}件` : ''}`}
            onClick={() => {
              setBox(b.box);
              void load({ box: b.box });
            }}
          >
            {b.label}
            {count(b.box) ? <Text className="badge">{count(b.box)}</Text> : null}
          </View>
        ))}
      </View>
      <View className="row card">
        <Input
          className="input"
          style={{ flex: 1 }}
          value={caseNumber}
          placeholder="按办件编号查找"
          ariaLabel="按办件编号查找"
          onInput={(e) => setCaseNumber(e.detail.value)}
          onConfirm={(e) => void load({ caseNumber: e.detail.value })}
        />
        <Text>只看超期</Text>
        <Switch
          checked={overdue}
          ariaLabel="只看超期"
          onChange={(e) => {
            setOverdue(Boolean(e.detail.value));
            void load({ overdue: Boolean(e.detail.value) });
          }}
        />
      </View>
      {items === undefined && <Text className="muted">加载中…</Text>}
      {items?.length === 0 && <Text className="muted">暂无事项</Text>}
      {items?.map((t) => (
        <View
          key={t.id}
          className="card"
          ariaRole="link"
          ariaLabel={`${t.service.name}，${t.node.name}，${t.statusLabel}${t.overdue ? '，已超期' : ''}`}
          onClick={() => go(routes.staffTask(t.id))}
        >
          <View className="row">
            <Text>{t.service.name}</Text>
            <Text className={t.overdue ? 'badge' : 'chip'}>{t.overdue ? '已超期' : t.statusLabel}</Text>
          </View>
          <Text className="muted">
            {t.caseNumber} · {t.node.name} · 到期 {when(t.dueAt)}
          </Text>
        </View>
      ))}
    </View>
  );
}
