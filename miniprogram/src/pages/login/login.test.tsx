import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import Login from './index';

const tokens = {
  accessToken: 'AT',
  tokenType: 'Bearer',
  expiresIn: 900,
  refreshToken: 'RT',
  refreshExpiresIn: 2592000,
};

describe('citizen login', () => {
  it('uses the sandbox in the browser, keeps the same sandbox citizen, and returns to the page asked for', async () => {
    taroStub.params = { back: encodeURIComponent('/pages/apply/index?code=bundle.newborn') };
    const f = fakeApi({ 'POST /auth/sandbox': { body: tokens } });
    setApi(f.api);
    render(<Login />);
    fireEvent.click(screen.getByRole('button', { name: '一键登录' }));
    await waitFor(() =>
      expect(taroStub.navigations).toEqual([
        { kind: 'redirectTo', url: '/pages/apply/index?code=bundle.newborn' },
      ]),
    );
    const openid = (f.calls[0]!.body as { openid: string }).openid;
    expect(openid).toMatch(/^h5-[a-z0-9]+$/);
    expect(f.api.citizen.accessToken()).toBe('AT');
    fireEvent.click(screen.getByRole('button', { name: '一键登录' }));
    await waitFor(() => expect(f.calls).toHaveLength(2));
    expect(f.calls[1]!.body).toEqual({ openid });
  });

  it('exchanges the wx.login code in WeChat', async () => {
    const f = fakeApi(
      { 'POST /auth/wechat': { body: tokens } },
      { citizenProof: async () => ({ kind: 'wechat', code: 'wx-code-1' }) },
    );
    setApi(f.api);
    render(<Login />);
    fireEvent.click(screen.getByRole('button', { name: '一键登录' }));
    await waitFor(() => expect(f.api.citizen.signedIn).toBe(true));
    expect(f.calls[0]!.body).toEqual({ code: 'wx-code-1' });
  });

  it('says so in zh-CN when the login fails', async () => {
    const f = fakeApi({
      'POST /auth/sandbox': { status: 503, body: { title: '服务暂不可用', status: 503 } },
    });
    setApi(f.api);
    render(<Login />);
    fireEvent.click(screen.getByRole('button', { name: '一键登录' }));
    expect(await screen.findByText('登录没有成功，请再试一次')).toBeTruthy();
  });
});
