import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import CaseDetailPage from './index';

const detail = {
  id: 'c1',
  caseNumber: '20261127000001',
  service: { code: 'hrss.maternity-allowance', name: '生育津贴申领' },
  status: 'accepted',
  statusLabel: '已受理',
  submittedAt: '2026-11-27T03:00:00Z',
  updatedAt: '2026-11-27T04:00:00Z',
  department: '市人力资源和社会保障局',
  timeline: [
    { type: 'submitted', label: '提交申请', at: '2026-11-27T03:00:00Z' },
    { type: 'accepted', label: '窗口受理', note: '材料齐全，予以受理', at: '2026-11-27T04:00:00Z' },
  ],
};
const progress = {
  status: 'running',
  dueAt: '2026-12-11T09:30:00Z',
  correction: null,
  canWithdraw: false,
  current: [
    {
      nodeId: 'review',
      name: '审核',
      department: { code: 'hrss', name: '市人力资源和社会保障局' },
      status: 'active',
    },
  ],
};

function setup(extra = {}, detailExtra = {}) {
  taroStub.params = { id: 'c1' };
  const f = fakeApi({
    'GET /cases/c1': { body: { ...detail, ...detailExtra } },
    'GET /cases/c1/progress': { body: { ...progress, ...extra } },
    'POST /me/subscriptions': { body: {} },
  });
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('case detail page', () => {
  it('shows the timeline in plain words and what the citizen must do now', async () => {
    setup();
    render(<CaseDetailPage />);
    expect(await screen.findByText('窗口受理')).toBeTruthy();
    expect(screen.getByText('材料齐全，予以受理')).toBeTruthy();
    await screen.findByText('市人力资源和社会保障局正在审核，您暂时不用做什么');
    expect(screen.getByText('预计 2026年12月11日 前办结')).toBeTruthy();
    expect(screen.getByRole('list', { name: '办理进度：审核' })).toBeTruthy();
  });

  it('asks for a correction when the case was sent back', async () => {
    setup({ correction: { fields: ['idNumber'], comment: '请上传清晰的身份证照片' } });
    render(<CaseDetailPage />);
    expect(await screen.findByText('需要您补充或更正材料，请按提示补正后重新提交')).toBeTruthy();
  });

  it('records subscribe-message consent when asked', async () => {
    const { calls } = setup();
    render(<CaseDetailPage />);
    fireEvent.click(await screen.findByRole('button', { name: '办理结果通知我' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/me/subscriptions')).toBe(true));
    // the browser has no subscribe messages: every template is answered 'reject'
    expect(calls.find((c) => c.path === '/me/subscriptions')!.body).toEqual({
      'sim-tpl-case-accepted': 'reject',
      'sim-tpl-case-correction': 'reject',
      'sim-tpl-case-closed': 'reject',
    });
    expect(screen.queryByRole('button', { name: '办理结果通知我' })).toBeNull();
  });

  it('offers the delivery choice while the case is open, and shows the chosen one', async () => {
    setup(
      {},
      { deliveryEditable: true, deliveryOptions: [{ method: 'mail', label: '邮寄送达' }], delivery: null },
    );
    render(<CaseDetailPage />);
    expect(await screen.findByText('尚未选择，办结后将按您选择的方式送达')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '选择领取方式' }));
    expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/more/delivery/index?id=c1' });
  });

  it('closed: shows the delivery without a change button, and asks for a rating once', async () => {
    setup(
      { status: 'completed', current: [] },
      {
        status: 'completed',
        statusLabel: '已办结',
        deliveryEditable: false,
        delivery: {
          method: 'pickup',
          methodLabel: '窗口自取',
          site: { id: 's1', name: '市民服务中心', address: '人民路 1 号', hours: '工作日 9:00-17:00' },
          chosenAt: '2026-11-27T04:00:00Z',
        },
        ratable: true,
        rating: null,
      },
    );
    render(<CaseDetailPage />);
    expect(await screen.findByText('窗口自取：市民服务中心（人民路 1 号）')).toBeTruthy();
    expect(screen.getByText('已办结，欢迎评价本次办理')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /领取方式/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: '评价本次办理' }));
    expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/more/rate/index?id=c1' });
  });

  it('a given rating is shown instead of the button', async () => {
    setup(
      {},
      { ratable: false, rating: { score: 5, label: '非常满意', tags: [], comment: '很快', ratedAt: 1 } },
    );
    render(<CaseDetailPage />);
    expect(await screen.findByText('非常满意')).toBeTruthy();
    expect(screen.getByText('很快')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '评价本次办理' })).toBeNull();
  });
});
