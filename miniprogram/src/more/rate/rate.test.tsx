import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import RatePage from './index';
import { ratingProblem } from './model';

const detail = {
  id: 'c1',
  caseNumber: '20261127000001',
  service: { code: 'hrss.retirement', name: '退休一件事' },
  status: 'completed',
  statusLabel: '已办结',
  submittedAt: '2026-11-27T03:00:00Z',
  updatedAt: '2026-11-27T04:00:00Z',
  timeline: [],
  ratable: true,
  rating: null,
};

function setup(post: Parameters<typeof fakeApi>[0][string] = { status: 201, body: {} }, extra = {}) {
  taroStub.params = { id: 'c1' };
  const f = fakeApi({ 'GET /cases/c1': { body: { ...detail, ...extra } }, 'POST /cases/c1/rating': post });
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('rating page', () => {
  beforeEach(() => taroStub.reset());

  it('a good rating with a reason tapped, sent once, back to the case', async () => {
    const f = setup();
    render(<RatePage />);
    fireEvent.click(await screen.findByRole('radio', { name: '非常满意' }));
    expect(screen.getByRole('radio', { name: '非常满意，已选' })).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: '一次办成' }));
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'POST')?.body).toEqual({ score: 5, tags: ['一次办成'] }),
    );
    await waitFor(() => expect(taroStub.navigations.at(-1)?.kind).toBe('navigateBack'));
    expect(taroStub.toasts).toContain('感谢您的评价');
  });

  it('a poor rating must say why; the reasons offered are problems', async () => {
    const f = setup();
    render(<RatePage />);
    fireEvent.click(await screen.findByRole('radio', { name: '不满意' }));
    expect(screen.getByRole('checkbox', { name: '多次跑腿' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }));
    expect(await screen.findByText('差评请说明原因：选择一项或填写意见')).toBeTruthy();
    expect(f.calls.some((c) => c.method === 'POST')).toBe(false);
    fireEvent.change(screen.getByRole('textbox', { name: '评价意见' }), {
      target: { value: '窗口让我跑了两次' },
    });
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'POST')?.body).toEqual({
        score: 2,
        comment: '窗口让我跑了两次',
      }),
    );
  });

  it('already rated (here or on another device): says so', async () => {
    setup({ status: 409, body: { code: 'already_rated', title: '您已评价过该办件' } });
    render(<RatePage />);
    fireEvent.click(await screen.findByRole('radio', { name: '满意' }));
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }));
    expect(await screen.findByText('您已评价过该办件')).toBeTruthy();
  });

  it('a rated case shows the rating instead of the form', async () => {
    setup(undefined, { ratable: false, rating: { score: 3, label: '基本满意', tags: [], ratedAt: 1 } });
    render(<RatePage />);
    expect(await screen.findByText('您已评价：基本满意')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '提交评价' })).toBeNull();
  });

  it('rules', () => {
    expect(ratingProblem(undefined, [], '')).toBe('请选择满意程度');
    expect(ratingProblem(1, [], '  ')).toBe('差评请说明原因：选择一项或填写意见');
    expect(ratingProblem(1, ['态度不好'], '')).toBeUndefined();
    expect(ratingProblem(4, [], '')).toBeUndefined();
    expect(ratingProblem(4, [], 'x'.repeat(501))).toBe('意见不能超过 500 字');
  });
});
