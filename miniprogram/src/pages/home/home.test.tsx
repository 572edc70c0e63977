import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { platform } from '../../platform';
import { setApi } from '../../services/api';
import { isElderly, setElderlyStore } from '../../stores/elderly';
import Home, { recommendedFor } from './index';

const svc = (code: string, name: string, lifeEvents: string[]) => ({
  code,
  name,
  kind: 'bundle',
  lifeEvents,
  departments: [{ code: 'health', name: '市卫生健康委员会', lead: true }],
});
const all = [
  svc('bundle.newborn', '新生儿出生一件事', ['birth']),
  {
    ...svc('bundle.retirement', '退休一件事', ['retirement']),
    departments: [{ code: 'hrss', name: '市人力资源和社会保障局', lead: true }],
  },
];

function setup(signedIn = true) {
  const f = fakeApi({
    'GET /services': (c) => {
      const q = new URLSearchParams(c.query);
      const items = all.filter(
        (s) =>
          (!q.get('q') || s.name.includes(q.get('q')!)) &&
          (!q.get('lifeEvent') || s.lifeEvents.includes(q.get('lifeEvent')!)) &&
          (!q.get('department') || s.departments.some((d) => d.code === q.get('department'))),
      );
      return { body: { items, nextCursor: null } };
    },
    'GET /cases': {
      body: {
        items: [
          {
            id: 'c1',
            caseNumber: '1',
            service: { code: 'x', name: '生育津贴申领' },
            status: 'submitted',
            statusLabel: '已提交',
          },
          {
            id: 'c2',
            caseNumber: '2',
            service: { code: 'y', name: '已办完的事' },
            status: 'completed',
            statusLabel: '已办结',
          },
        ],
        nextCursor: null,
      },
    },
  });
  if (signedIn) f.api.citizen.save({ accessToken: 'AT', refreshToken: 'RT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('home page', () => {
  it('lists my cases in progress and services by life event', async () => {
    setup();
    render(<Home />);
    expect(await screen.findByRole('link', { name: '生育津贴申领，已提交，查看详情' })).toBeTruthy();
    expect(screen.getByText('等待部门受理')).toBeTruthy();
    expect(screen.queryByText('已办完的事')).toBeNull();
    await screen.findByRole('link', { name: '办理退休一件事' });
    fireEvent.click(screen.getByRole('tab', { name: '生育相关服务' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: '办理退休一件事' })).toBeNull());
    expect(screen.getByRole('link', { name: '办理新生儿出生一件事' })).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '市人力资源和社会保障局的服务' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: '办理新生儿出生一件事' })).toBeNull());
    expect(screen.getByRole('link', { name: '办理退休一件事' })).toBeTruthy();
  });

  it('suggests services while typing and opens the guide', async () => {
    const { calls } = setup(false);
    render(<Home />);
    fireEvent.change(screen.getByLabelText('搜索办事事项'), { target: { value: '新生儿' } });
    const option = await screen.findByRole('option', { name: '办理新生儿出生一件事' }, { timeout: 2000 });
    fireEvent.click(option);
    expect(taroStub.navigations[0]!.url).toBe('/pages/service/index?code=bundle.newborn');
    expect(calls.some((c) => c.path === '/cases')).toBe(false); // not signed in: no personal calls
  });

  it('长辈模式 simplifies the home, and is remembered', async () => {
    setup();
    const { unmount } = render(<Home />);
    fireEvent.click(screen.getByRole('switch', { name: '开启长辈模式' }));
    expect(await screen.findByText('常用服务')).toBeTruthy();
    expect(screen.queryByText('按人生大事找服务')).toBeNull();
    expect(document.querySelector('.page--elderly')).toBeTruthy();
    unmount();
    // a new visit (fresh cache, same storage) starts in elderly mode
    setElderlyStore(platform.storage);
    expect(isElderly()).toBe(true);
    render(<Home />);
    expect(screen.getByRole('switch', { name: '关闭长辈模式' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: '办理新生儿出生一件事' })).toBeTruthy();
  });

  it('recommends services of the life events of my cases, not what I applied for', () => {
    const services = [
      svc('bundle.newborn', '新生儿出生一件事', ['birth']),
      svc('hrss.maternity-allowance', '生育津贴申领', ['birth']),
      svc('hs.medical-insurance', '城乡居民医保参保登记', ['birth', 'move']),
      svc('bundle.retirement', '退休一件事', ['retirement']),
    ];
    const mine = [
      {
        id: 'c1',
        caseNumber: '1',
        service: { code: 'bundle.newborn', name: '新生儿出生一件事' },
        status: 'completed',
        statusLabel: '已办结',
        submittedAt: '',
        updatedAt: '',
      },
    ];
    expect(recommendedFor(mine, services).map((s) => s.name)).toEqual([
      '生育津贴申领',
      '城乡居民医保参保登记',
    ]);
    expect(recommendedFor([], services)).toEqual([]);
  });
});
