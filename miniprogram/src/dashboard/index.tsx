import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useState } from 'react';
import { when } from '../lib/format';
import { replace, routes } from '../lib/nav';
import { api } from '../services/api';
import { DASHBOARD_PERIODS, getDashboard } from '../services/staff';
import type { Dashboard } from '../services/types';
import { pageClass, useElderly } from '../stores/elderly';
import Chart from './Chart';
import {
  satisfactionOption,
  satisfactionSummary,
  servicesOption,
  tiles,
  trendOption,
  trendSummary,
} from './model';

/** A department head's view: work in progress, deadlines and what citizens thought, in one screen. */
export default function DashboardPage() {
  const [elderly] = useElderly();
  const [days, setDays] = useState<number>(30);
  const [d, setD] = useState<Dashboard>();
  const [failed, setFailed] = useState(false);

  const load = async (period = days) => {
    if (!api().staff.signedIn) return replace(routes.staffLogin(routes.dashboard()));
    setFailed(false);
    await getDashboard(api(), period).then(setD, () => setFailed(true));
  };
  useDidShow(() => void load());
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()));

  return (
    <View className={pageClass(elderly)}>
      {d && (
        <Text className="muted">
          {d.scope.departmentName} · 更新于{' '}
          {when(typeof d.generatedAt === 'number' ? new Date(d.generatedAt).toISOString() : d.generatedAt)}
        </Text>
      )}
      <View className="chips" ariaRole="tablist" ariaLabel="统计时段">
        {DASHBOARD_PERIODS.map((p) => (
          <View
            key={p}
            className={`chip${days === p ? ' chip--on' : ''}`}
            ariaRole="tab"
            ariaLabel={`近${p}天`}
            onClick={() => {
              setDays(p);
              void load(p);
            }}
          >
            近{p}天
          </View>
        ))}
      </View>
      {!d && !failed && <Text className="muted">加载中…</Text>}
      {failed && (
        <View className="btn btn--plain" ariaRole="button" ariaLabel="重新加载" onClick={() => void load()}>
          加载失败，点此重试
        </View>
      )}
      {d && (
        <>
          <View className="tiles" ariaRole="list" ariaLabel="关键指标">
            {tiles(d).map((t) => (
              <View
                key={t.key}
                className={`tile${t.alert ? ' tile--alert' : ''}`}
                ariaRole="listitem"
                ariaLabel={`${t.label}：${t.value}`}
              >
                <Text className="tile__value">{t.value}</Text>
                <Text className="tile__label">{t.label}</Text>
              </View>
            ))}
          </View>
          <View className="card">
            <Text className="title">受理与办结趋势</Text>
            <Chart label={trendSummary(d)} option={trendOption(d)} height={220} />
            <Text className="field__help">{trendSummary(d)}</Text>
          </View>
          <View className="card">
            <Text className="title">好差评</Text>
            {d.satisfaction.ratings > 0 && (
              <Chart label={satisfactionSummary(d)} option={satisfactionOption(d)} height={240} />
            )}
            <Text className="field__help">{satisfactionSummary(d)}</Text>
          </View>
          {d.byService.length > 0 && (
            <View className="card">
              <Text className="title">在办事项（按服务）</Text>
              <Chart
                label="各服务在办与超期件数"
                option={servicesOption(d)}
                height={40 + d.byService.length * 32}
              />
              <View ariaRole="table" ariaLabel="各服务在办与超期件数">
                {d.byService.map((s) => (
                  <View key={s.serviceCode} className="row" ariaRole="row">
                    <View ariaRole="cell" style={{ flex: 1 }}>
                      {s.serviceName}
                    </View>
                    <View ariaRole="cell">在办 {s.inProgress}</View>
                    <View ariaRole="cell" className={s.overdue ? 'badge' : 'muted'}>
                      超期 {s.overdue}
                    </View>
                  </View>
                ))}
              </View>
            </View>
          )}
        </>
      )}
    </View>
  );
}
