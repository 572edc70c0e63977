import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import StaffLogin from './index';

describe('staff login', () => {
  it('signs a demo staff member in through the sandbox and goes back to the deep-linked task', async () => {
    taroStub.params = { back: encodeURIComponent('/staff/task/index?id=t1') };
    const f = fakeApi({
      'POST /auth/staff/sandbox': { body: { accessToken: 'ST', tokenType: 'Bearer', expiresIn: 900 } },
    });
    setApi(f.api);
    render(<StaffLogin />);
    fireEvent.click(screen.getByRole('button', { name: '以徐丽（人社局 窗口受理）登录' }));
    await waitFor(() =>
      expect(taroStub.navigations).toEqual([{ kind: 'redirectTo', url: '/staff/task/index?id=t1' }]),
    );
    expect(f.calls[0]!.body).toEqual({ staffId: 'st-hrss-clerk-1' });
    expect(f.api.staff.accessToken()).toBe('ST');
  });

  it('signs in silently inside DingTalk with the 免登 code', async () => {
    const f = fakeApi(
      { 'POST /auth/dingtalk': { body: { accessToken: 'DT', expiresIn: 900 } } },
      { staffSilentLogin: true, staffProof: async () => ({ kind: 'dingtalk', authCode: 'auth-1' }) },
    );
    setApi(f.api);
    render(<StaffLogin />);
    await waitFor(() => expect(f.api.staff.accessToken()).toBe('DT'));
    expect(f.calls[0]!.body).toEqual({ authCode: 'auth-1' });
  });
});
