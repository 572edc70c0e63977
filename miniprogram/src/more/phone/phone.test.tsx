import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import PhonePage from './index';

type Routes = Parameters<typeof fakeApi>[0];

function setup(routes: Routes = {}, platform = {}) {
  const f = fakeApi(
    {
      'GET /me': { body: { id: 'u1', phoneBound: false, phoneMasked: null } },
      'POST /me/phone/sms-code': {
        status: 202,
        body: { expiresIn: 300, resendAfter: 60, sandboxCode: '246810' },
      },
      'POST /me/phone': { body: { phoneMasked: '139****0001' } },
      'POST /me/phone/wechat': { body: { phoneMasked: '139****0002' } },
      ...routes,
    },
    platform,
  );
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

const phoneInput = () => screen.getByRole('spinbutton', { name: '手机号码' });
const codeInput = () => screen.getByRole('spinbutton', { name: '短信验证码' });

describe('phone binding page', () => {
  beforeEach(() => taroStub.reset());

  it('browser: number, SMS code (the demo shows it), bound, back to the application', async () => {
    taroStub.params = { back: encodeURIComponent('/pages/apply/index?code=x') };
    const f = setup();
    render(<PhonePage />);
    fireEvent.change(phoneInput(), { target: { value: '13900000001' } });
    fireEvent.click(screen.getByRole('button', { name: '获取验证码' }));
    expect(await screen.findByText('体验环境：短信不会真正发出，验证码是 246810')).toBeTruthy();
    expect(screen.getByRole('button', { name: '60秒后可重新获取' })).toBeTruthy();
    fireEvent.change(codeInput(), { target: { value: '246810' } });
    fireEvent.click(screen.getByRole('button', { name: '确认绑定' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.path === '/me/phone')?.body).toEqual({
        phone: '13900000001',
        smsCode: '246810',
      }),
    );
    expect(taroStub.toasts).toContain('已绑定 139****0001');
    await waitFor(() => expect(taroStub.navigations.at(-1)?.kind).toBe('navigateBack'));
    // WeChat's button is not offered outside WeChat
    expect(screen.queryByRole('button', { name: '微信手机号快捷绑定' })).toBeNull();
  });

  it('a wrong number or code is caught before sending; the gateway word is shown by its field', async () => {
    const f = setup({
      'POST /me/phone': {
        status: 422,
        body: {
          code: 'sms_code_invalid',
          title: '验证码不正确',
          errors: [{ pointer: '/smsCode', code: 'sms_code_invalid', message: '验证码不正确' }],
        },
      },
    });
    render(<PhonePage />);
    fireEvent.change(phoneInput(), { target: { value: '1390000' } });
    fireEvent.click(screen.getByRole('button', { name: '获取验证码' }));
    expect(await screen.findByText('请输入正确的手机号码')).toBeTruthy();
    expect(f.calls.some((c) => c.path === '/me/phone/sms-code')).toBe(false);
    fireEvent.change(phoneInput(), { target: { value: '13900000001' } });
    fireEvent.change(codeInput(), { target: { value: '111111' } });
    fireEvent.click(screen.getByRole('button', { name: '确认绑定' }));
    expect(await screen.findByText('验证码不正确')).toBeTruthy();
  });

  it('too many codes: the wait is shown', async () => {
    setup({
      'POST /me/phone/sms-code': {
        status: 429,
        body: { code: 'sms_code_too_frequent', title: '发送过于频繁，请 45 秒后再试' },
      },
    });
    render(<PhonePage />);
    fireEvent.change(phoneInput(), { target: { value: '13900000001' } });
    fireEvent.click(screen.getByRole('button', { name: '获取验证码' }));
    expect(await screen.findByText('发送过于频繁，请 45 秒后再试')).toBeTruthy();
  });

  it("WeChat: one tap on WeChat's phone button; declining does nothing", async () => {
    const f = setup({}, { phoneProof: 'wechat-button' });
    render(<PhonePage />);
    fireEvent.click(screen.getByRole('button', { name: '微信手机号快捷绑定' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(f.calls.some((c) => c.path === '/me/phone/wechat')).toBe(false);
    taroStub.phoneCode = 'wx-phone-code-1';
    fireEvent.click(screen.getByRole('button', { name: '微信手机号快捷绑定' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.path === '/me/phone/wechat')?.body).toEqual({ code: 'wx-phone-code-1' }),
    );
    expect(await screen.findByText('当前已绑定：139****0002')).toBeTruthy();
  });

  it('shows the number already bound (masked)', async () => {
    setup({ 'GET /me': { body: { id: 'u1', phoneBound: true, phoneMasked: '139****0009' } } });
    render(<PhonePage />);
    expect(await screen.findByText('当前已绑定：139****0009')).toBeTruthy();
  });
});
