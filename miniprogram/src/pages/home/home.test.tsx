import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { platform } from '../../platform';
import { setApi } from '../../services/api';
import { isElderly, setElderlyStore } from '../../stores/elderly';
import Home, { recommendedFor } from './index';

const offer = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  policyCode: `p-${id}`,
  title: id === 'o1' ? '生育津贴' : '高龄津贴',
  message: '您的宝宝已出生，可申领生育津贴',
  serviceCode: id === 'o1' ? 'hrss.maternity-allowance' : 'ca.senior-allowance',
  serviceName: '生育津贴申领',
  grant: status === 'granted' ? 'automatic' : 'apply',
  status,
  createdAt: '2026-11-27T01:00:00Z',
  ...extra,
});
const policy = (code: string, eligible: boolean) => ({
  code,
  title: `政策${code}`,
  summary: `摘要${code}`,
  serviceCode: `svc.${code}`,
  serviceName: `事项${code}`,
  grant: 'apply',
  eligible,
  explanation: eligible ? '符合' : '还差：社保缴费满15年，当前12年',
  reasons: [],
  missing: eligible ? [] : ['社保缴费满15年，当前12年'],
});

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

function setup(signedIn = true, extra: Parameters<typeof fakeApi>[0] = {}) {
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
    ...extra,
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

  describe('政策找人', () => {
    const offers = {
      body: {
        items: [
          offer('o1', 'offered', {
            lifeEvent: { kind: 'birth', label: '生育', at: '2026-11-20' },
            dueDate: '2026-12-31',
          }),
          offer('o2', 'granted', { caseId: 'case-9' }),
          offer('o3', 'declined', { title: '已谢绝的补贴' }),
        ],
      },
    };
    const policies = { body: { bound: true, items: [] } };

    it('为您主动服务: 去办理 accepts the offer, then opens the pre-filled application', async () => {
      const f = setup(true, {
        'GET /me/offers': offers,
        'GET /me/policies': policies,
        'POST /me/offers/o1/accept': { body: { serviceCode: 'hrss.maternity-allowance' } },
      });
      render(<Home />);
      expect(await screen.findByText('为您主动服务')).toBeTruthy();
      expect(screen.getByText('请于2026年12月31日前办理')).toBeTruthy();
      expect(screen.getByText('因「生育」（2026年11月20日）为您推荐')).toBeTruthy();
      expect(screen.getByText('高龄津贴')).toBeTruthy();
      expect(screen.queryByText('已谢绝的补贴')).toBeNull();
      fireEvent.click(screen.getByRole('button', { name: '去办理生育津贴' }));
      await waitFor(() =>
        expect(taroStub.navigations).toContainEqual({
          kind: 'navigateTo',
          url: '/pages/apply/index?code=hrss.maternity-allowance',
        }),
      );
      expect(f.calls.filter((c) => c.path === '/me/offers/o1/accept')).toHaveLength(1);
      expect(screen.queryByRole('button', { name: '去办理生育津贴' })).toBeNull();
    });

    it('不需要 declines an offer without asking; a granted one (免申即享) asks first, then withdraws', async () => {
      const f = setup(true, {
        'GET /me/offers': offers,
        'GET /me/policies': policies,
        'POST /me/offers/o1/decline': { body: offer('o1', 'declined') },
        'POST /me/offers/o2/decline': { body: offer('o2', 'declined') },
      });
      render(<Home />);
      fireEvent.click(await screen.findByRole('button', { name: '不需要：生育津贴' }));
      await waitFor(() => expect(screen.queryByRole('button', { name: '不需要：生育津贴' })).toBeNull());
      expect(taroStub.modals).toHaveLength(0);

      expect(screen.getByText('已为您自动办理（免申即享）')).toBeTruthy();
      fireEvent.click(screen.getByRole('button', { name: '查看高龄津贴的办理进度' }));
      expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/pages/case/index?id=case-9' });

      taroStub.modalAnswers = [false];
      fireEvent.click(screen.getByRole('button', { name: '不需要此项：高龄津贴' }));
      await waitFor(() => expect(taroStub.modals).toHaveLength(1));
      expect(taroStub.modals[0]!.content).toBe('确定不需要这项服务吗？已为您办理的将撤回');
      expect(f.calls.some((c) => c.path === '/me/offers/o2/decline')).toBe(false);

      taroStub.modalAnswers = [true];
      fireEvent.click(screen.getByRole('button', { name: '不需要此项：高龄津贴' }));
      await waitFor(() => expect(screen.queryByText('为您主动服务')).toBeNull());
      expect(f.calls.find((c) => c.path === '/me/offers/o2/decline')!.method).toBe('POST');
      expect(taroStub.toasts).toContain('已为您撤回');
    });

    it('为您推荐: the recommendation rules first, with their reason, then the services of her life events', async () => {
      setup(true, {
        'GET /me/policies': policies,
        'GET /me/recommendations': {
          body: {
            items: [
              {
                serviceCode: 'hf.housing-fund-withdrawal',
                serviceName: '住房公积金提取',
                reason: '名下有住房的缴存职工可申请提取住房公积金',
              },
            ],
          },
        },
      });
      render(<Home />);
      const row = await screen.findByRole('link', {
        name: '推荐：住房公积金提取，名下有住房的缴存职工可申请提取住房公积金',
      });
      fireEvent.click(row);
      expect(taroStub.navigations.at(-1)!.url).toBe('/pages/service/index?code=hf.housing-fund-withdrawal');
    });

    it('not verified: one card inviting real-name verification', async () => {
      setup(true, {
        'GET /me/offers': { body: { items: [] } },
        'GET /me/policies': { body: { bound: false, items: [] } },
      });
      render(<Home />);
      fireEvent.click(await screen.findByRole('link', { name: '实名认证后，为您推荐可享受的政策' }));
      expect(taroStub.navigations[0]!.url).toBe('/more/real-name/index');
      expect(screen.queryByText('您可享受的政策')).toBeNull();
      expect(screen.queryByText('为您主动服务')).toBeNull();
    });

    it('您可享受的政策: at most three eligible ones, and a link to all', async () => {
      setup(true, {
        'GET /me/policies': {
          body: {
            bound: true,
            items: [
              policy('a', true),
              policy('b', false),
              policy('c', true),
              policy('d', true),
              policy('e', true),
            ],
          },
        },
      });
      render(<Home />);
      expect(await screen.findByRole('link', { name: '政策a，查看办理' })).toBeTruthy();
      expect(screen.getByRole('link', { name: '政策d，查看办理' })).toBeTruthy();
      expect(screen.queryByRole('link', { name: '政策e，查看办理' })).toBeNull();
      expect(screen.queryByRole('link', { name: '政策b，查看办理' })).toBeNull();
      // offers unavailable (404 here): no card, nothing toasted
      expect(screen.queryByText('为您主动服务')).toBeNull();
      expect(taroStub.toasts).toEqual([]);
      fireEvent.click(screen.getByRole('link', { name: '全部政策' }));
      expect(taroStub.navigations[0]!.url).toBe('/more/policies/index');
    });
  });
});
