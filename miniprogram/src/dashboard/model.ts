import type { Dashboard } from '../services/types';

/** 好差评 levels, best first (the national 政务服务评价 scale). */
export const RATING_LABELS: Record<string, string> = {
  '5': '非常满意',
  '4': '满意',
  '3': '基本满意',
  '2': '不满意',
  '1': '非常不满意',
};

export const percent = (r: number | null | undefined) =>
  r === null || r === undefined ? '—' : `${(r * 100).toFixed(1).replace(/\.0$/, '')}%`;

export interface Tile {
  key: string;
  label: string;
  value: string;
  /** Draws the eye: overdue work. */
  alert?: boolean;
}

export function tiles(d: Dashboard): Tile[] {
  return [
    { key: 'inProgress', label: '在办', value: String(d.counts.inProgress) },
    { key: 'dueSoon', label: '即将到期', value: String(d.counts.dueSoon), alert: d.counts.dueSoon > 0 },
    { key: 'overdue', label: '已超期', value: String(d.counts.overdue), alert: d.counts.overdue > 0 },
    { key: 'accepted', label: `近${d.days}天受理`, value: String(d.counts.acceptedInPeriod) },
    { key: 'completed', label: `近${d.days}天办结`, value: String(d.counts.completedInPeriod) },
    { key: 'onTime', label: '按时办结率', value: percent(d.onTimeRate) },
    { key: 'good', label: '好评率', value: percent(d.satisfaction.goodRate) },
    {
      key: 'average',
      label: '平均评分',
      value: d.satisfaction.average === null ? '—' : d.satisfaction.average.toFixed(2),
    },
  ];
}

const shortDate = (iso: string) => iso.slice(5).replace('-', '/');

/** The trend as one sentence for screen readers (the chart itself is a picture). */
export function trendSummary(d: Dashboard): string {
  const accepted = d.trend.reduce((n, t) => n + t.accepted, 0);
  const completed = d.trend.reduce((n, t) => n + t.completed, 0);
  const busiest = d.trend.reduce<Dashboard['trend'][number] | undefined>(
    (best, t) => (!best || t.accepted > best.accepted ? t : best),
    undefined,
  );
  const peak =
    busiest && busiest.accepted > 0
      ? `，受理最多的一天是${shortDate(busiest.date)}（${busiest.accepted}件）`
      : '';
  return `近${d.days}天共受理${accepted}件、办结${completed}件${peak}`;
}

export function satisfactionSummary(d: Dashboard): string {
  const s = d.satisfaction;
  if (!s.ratings) return '暂无评价';
  const parts = ['5', '4', '3', '2', '1']
    .filter((k) => (s.distribution[k] ?? 0) > 0)
    .map((k) => `${RATING_LABELS[k]}${s.distribution[k]}件`);
  return `共${s.ratings}件评价，好评率${percent(s.goodRate)}：${parts.join('，')}`;
}

const BLUE = '#1a5fb4';
const GREEN = '#2e7d32';

/** ECharts option for accepted vs completed per day. */
export function trendOption(d: Dashboard) {
  return {
    animation: false,
    grid: { left: 36, right: 12, top: 36, bottom: 28 },
    legend: { top: 0, data: ['受理', '办结'] },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'category', data: d.trend.map((t) => shortDate(t.date)), axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '受理', type: 'bar', data: d.trend.map((t) => t.accepted), itemStyle: { color: BLUE } },
      {
        name: '办结',
        type: 'line',
        data: d.trend.map((t) => t.completed),
        itemStyle: { color: GREEN },
        symbolSize: 4,
      },
    ],
  };
}

/** ECharts option for the 好差评 distribution (a donut, best level first; empty levels left out). */
export function satisfactionOption(d: Dashboard) {
  const colors = ['#2e7d32', '#66bb6a', '#c0ca33', '#ef6c00', '#c9353f'];
  const data = ['5', '4', '3', '2', '1']
    .map((k, i) => ({
      name: RATING_LABELS[k],
      value: d.satisfaction.distribution[k] ?? 0,
      itemStyle: { color: colors[i] },
    }))
    .filter((x) => x.value > 0);
  return {
    animation: false,
    tooltip: { trigger: 'item', confine: true },
    legend: { bottom: 0 },
    series: [
      {
        name: '好差评',
        type: 'pie',
        radius: ['35%', '58%'],
        center: ['50%', '44%'],
        avoidLabelOverlap: true,
        // Counts only: the legend names the levels (names beside a small donut get cut off).
        label: { formatter: '{c}件' },
        data,
      },
    ],
  };
}

/** Services with the most work in progress, for a horizontal bar chart. */
export function servicesOption(d: Dashboard) {
  const rows = [...d.byService].reverse();
  return {
    animation: false,
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    legend: { top: 0, data: ['在办', '超期'] },
    tooltip: { trigger: 'axis', confine: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: rows.map((r) => (r.serviceName.length > 8 ? `${r.serviceName.slice(0, 8)}…` : r.serviceName)),
    },
    series: [
      {
        name: '在办',
        type: 'bar',
        stack: 'n',
        data: rows.map((r) => Math.max(0, r.inProgress - r.overdue)),
        itemStyle: { color: BLUE },
      },
      {
        name: '超期',
        type: 'bar',
        stack: 'n',
        data: rows.map((r) => r.overdue),
        itemStyle: { color: '#c9353f' },
      },
    ],
  };
}
