import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { taroStub } from '../../test/taro-stub';
import { setApi } from '../services/api';
import type { Dashboard } from '../services/types';
import DashboardPage from './index';
import { satisfactionOption, servicesOption, trendOption } from './model';

// ECharts needs a real canvas; the page's logic is what is tested here, the options are checked below.
vi.mock('./Chart', () => ({
  default: (p: { label: string }) => <div role="img" aria-label={p.label} />,
}));

const dashboard: Dashboard = {
  scope: { departmentCode: 'hrss', departmentName: '市人力资源和社会保障局' },
  days: 30,
  generatedAt: '2026-11-27T05:00:00Z',
  counts: { inProgress: 42, dueSoon: 3, overdue: 2, acceptedInPeriod: 120, completedInPeriod: 98 },
  onTimeRate: 0.969,
  satisfaction: {
    ratings: 40,
    goodRate: 0.95,
    average: 4.55,
    distribution: { '5': 28, '4': 8, '3': 2, '2': 1, '1': 1 },
  },
  trend: [
    { date: '2026-11-25', accepted: 4, completed: 3 },
    { date: '2026-11-26', accepted: 9, completed: 5 },
    { date: '2026-11-27', accepted: 2, completed: 0 },
  ],
  byService: [
    { serviceCode: 'hrss.maternity-allowance', serviceName: '生育津贴申领', inProgress: 30, overdue: 2 },
    { serviceCode: 'hrss.retirement', serviceName: '退休一件事', inProgress: 12, overdue: 0 },
  ],
};

function setup(routes: Record<string, unknown> = {}, signedIn = true) {
  taroStub.reset();
  const f = fakeApi({
    'GET /staff/dashboard': { body: dashboard },
    ...routes,
  });
  if (signedIn) f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('department dashboard', () => {
  beforeEach(() => taroStub.reset());

  it('shows the key figures, with overdue work marked, and the charts described in words', async () => {
    setup();
    render(<DashboardPage />);
    expect(await screen.findByRole('listitem', { name: '在办：42' })).toBeTruthy();
    const overdue = screen.getByRole('listitem', { name: '已超期：2' });
    expect(overdue.className).toContain('tile--alert');
    expect(screen.getByRole('listitem', { name: '按时办结率：96.9%' })).toBeTruthy();
    expect(screen.getByRole('listitem', { name: '好评率：95%' })).toBeTruthy();
    expect(screen.getByRole('listitem', { name: '平均评分：4.55' })).toBeTruthy();
    expect(
      screen.getByRole('img', { name: '近30天共受理15件、办结8件，受理最多的一天是11/26（9件）' }),
    ).toBeTruthy();
    expect(
      screen.getByText('共40件评价，好评率95%：非常满意28件，满意8件，基本满意2件，不满意1件，非常不满意1件'),
    ).toBeTruthy();
    expect(screen.getByText('市人力资源和社会保障局 · 更新于', { exact: false })).toBeTruthy();
    expect(screen.getAllByRole('row')).toHaveLength(2);
  });

  it('switching the period asks the gateway for that period', async () => {
    const f = setup();
    render(<DashboardPage />);
    await screen.findByRole('listitem', { name: '在办：42' });
    fireEvent.click(screen.getByRole('tab', { name: '近7天' }));
    await vi.waitFor(() =>
      expect(f.calls.some((c) => c.path === '/staff/dashboard' && c.query === '?days=7')).toBe(true),
    );
  });

  it('no ratings yet: no pie, says so', async () => {
    setup({
      'GET /staff/dashboard': {
        body: { ...dashboard, satisfaction: { ratings: 0, goodRate: null, average: null, distribution: {} } },
      },
    });
    render(<DashboardPage />);
    expect(await screen.findByText('暂无评价')).toBeTruthy();
    expect(screen.getByRole('listitem', { name: '好评率：—' })).toBeTruthy();
    expect(screen.queryByRole('img', { name: /评价/ })).toBeNull();
  });

  it('not signed in as staff: goes to the staff login and comes back', async () => {
    setup({}, false);
    render(<DashboardPage />);
    await vi.waitFor(() =>
      expect(taroStub.navigations).toContainEqual({
        kind: 'redirectTo',
        url: `/staff/login/index?back=${encodeURIComponent('/dashboard/index')}`,
      }),
    );
  });

  it('a failed load offers a retry', async () => {
    setup({ 'GET /staff/dashboard': { status: 503, body: { code: 'unavailable', title: '服务暂不可用' } } });
    render(<DashboardPage />);
    expect(await screen.findByRole('button', { name: '重新加载' })).toBeTruthy();
  });
});

describe('dashboard chart options', () => {
  it('trend: one bar and one line point per day, dates short', () => {
    const o = trendOption(dashboard);
    expect(o.xAxis.data).toEqual(['11/25', '11/26', '11/27']);
    expect(o.series[0]?.data).toEqual([4, 9, 2]);
    expect(o.series[1]?.data).toEqual([3, 5, 0]);
  });
  it('satisfaction: levels best first, empty levels left out', () => {
    const o = satisfactionOption({
      ...dashboard,
      satisfaction: { ...dashboard.satisfaction, distribution: { '1': 1, '5': 2, '3': 0 } },
    });
    expect(o.series[0]?.data.map((x) => [x.name, x.value])).toEqual([
      ['非常满意', 2],
      ['非常不满意', 1],
    ]);
  });
  it('services: stacked in-progress and overdue, largest on top', () => {
    const o = servicesOption(dashboard);
    expect(o.yAxis.data).toEqual(['退休一件事', '生育津贴申领']);
    expect(o.series[0]?.data).toEqual([12, 28]);
    expect(o.series[1]?.data).toEqual([0, 2]);
  });
});
