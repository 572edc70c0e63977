import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import StaffTasks from './index';

const task = (id: string, name: string, overdue = false) => ({
  id,
  kind: 'approval',
  status: 'open',
  statusLabel: '待办',
  caseId: `c-${id}`,
  caseNumber: `2026112700000${id}`,
  service: { code: 'x', name },
  node: { id: 'accept', name: '窗口受理' },
  department: { code: 'hrss', name: '市人力资源和社会保障局' },
  dueAt: '2026-11-30T09:30:00Z',
  overdue,
  createdAt: '2026-11-27T03:00:00Z',
});

function setup(signedIn = true) {
  const f = fakeApi({
    'GET /staff/me': {
      body: {
        id: 'st-hrss-clerk-1',
        name: '徐丽',
        departments: [{ code: 'hrss', name: '市人力资源和社会保障局', roles: ['clerk'] }],
        counts: { todo: 2, ccUnread: 1 },
      },
    },
    'GET /staff/tasks': (c) => {
      const q = new URLSearchParams(c.query);
      if (q.get('box') === 'cc') return { body: { items: [task('9', '抄送的事')], nextCursor: null } };
      const items = [task('1', '生育津贴申领'), task('2', '失业保险金申领', true)].filter(
        (t) => q.get('overdue') !== 'true' || t.overdue,
      );
      return { body: { items, nextCursor: null } };
    },
  });
  if (signedIn) f.api.staff.save({ accessToken: 'ST', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('staff task lists', () => {
  it('shows 待办 with counts, switches boxes, filters overdue, and refreshes on pull', async () => {
    const { calls } = setup();
    render(<StaffTasks />);
    expect(await screen.findByRole('tab', { name: '待办，2件' })).toBeTruthy();
    expect(screen.getByRole('tab', { name: '抄送我，1件' })).toBeTruthy();
    expect(await screen.findByRole('link', { name: '失业保险金申领，窗口受理，待办，已超期' })).toBeTruthy();

    fireEvent.click(screen.getByRole('switch', { name: '只看超期' }));
    await waitFor(() => expect(screen.queryByText('生育津贴申领')).toBeNull());

    fireEvent.click(screen.getByRole('tab', { name: '抄送我，1件' }));
    expect(await screen.findByText('抄送的事')).toBeTruthy();

    const before = calls.length;
    await act(async () => taroStub.pullDown?.());
    expect(calls.length).toBeGreaterThan(before);

    fireEvent.click(screen.getByRole('link', { name: '抄送的事，窗口受理，待办' }));
    expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/staff/task/index?id=9' });
  });

  it('sends staff who are not signed in to the staff login', async () => {
    setup(false);
    render(<StaffTasks />);
    await waitFor(() =>
      expect(taroStub.navigations[0]!.url).toBe('/staff/login/index?back=%2Fstaff%2Ftasks%2Findex'),
    );
  });
});
