import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { BAD_ID, GOOD_ID } from '../../../test/fixtures';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import RealNamePage from './index';
import { realNameProblems } from './model';

const bound = {
  bound: true,
  idNumber: '110***********9513',
  name: '王*例',
  items: [],
  excluded: [],
  conflicts: [],
  timeline: [],
  consents: [],
};

function setup(routes: Parameters<typeof fakeApi>[0] = {}) {
  const f = fakeApi({ 'GET /me/profile': { body: { bound: false } }, ...routes });
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

const nameInput = () => screen.getByLabelText('姓名');
const idInput = () => screen.getByLabelText('身份证号码');

describe('real-name verification page', () => {
  it('checks name and ID number (length, GB 11643 check character) before sending, in zh-CN', async () => {
    const f = setup();
    render(<RealNamePage />);
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect(await screen.findByText('请填写姓名')).toBeTruthy();
    expect(screen.getByText('请填写身份证号码')).toBeTruthy();
    fireEvent.change(nameInput(), { target: { value: '王示例' } });
    fireEvent.change(idInput(), { target: { value: GOOD_ID.slice(0, 17) } });
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect(await screen.findByText('身份证号码应为18位')).toBeTruthy();
    expect(screen.queryByText('请填写姓名')).toBeNull();
    fireEvent.change(idInput(), { target: { value: BAD_ID } });
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect(await screen.findByText('身份证号码有误，请核对后重新填写')).toBeTruthy();
    expect(f.calls.some((c) => c.path === '/me/real-name')).toBe(false);
  });

  it('a lower-case x check character is accepted', () => {
    const x = '11010519491231918X'; // fictitious (9xx sequence)
    expect(realNameProblems({ name: '王示例', idNumber: x.toLowerCase() })).toEqual({});
  });

  it('verified: goes to the profile', async () => {
    const f = setup({ 'POST /me/real-name': { body: bound } });
    render(<RealNamePage />);
    fireEvent.change(nameInput(), { target: { value: ' 王示例 ' } });
    fireEvent.change(idInput(), { target: { value: GOOD_ID } });
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    await waitFor(() =>
      expect(taroStub.navigations).toEqual([{ kind: 'redirectTo', url: '/more/profile/index' }]),
    );
    expect(f.calls.find((c) => c.path === '/me/real-name')!.body).toEqual({
      name: '王示例',
      idNumber: GOOD_ID,
    });
    expect(taroStub.toasts).toContain('实名认证成功');
  });

  it('the gateway says: a mismatch as a banner, a field problem beside its field', async () => {
    let n = 0;
    setup({
      'POST /me/real-name': () =>
        ++n === 1
          ? {
              status: 422,
              body: { code: 'real_name_mismatch', title: '实名认证未通过', detail: '姓名与身份证号码不一致' },
            }
          : {
              status: 400,
              body: {
                code: 'validation_failed',
                title: '请求内容不符合要求',
                errors: [{ pointer: '/name', code: 'format', message: '姓名只能包含汉字、字母和“·”' }],
              },
            },
    });
    render(<RealNamePage />);
    fireEvent.change(nameInput(), { target: { value: '王示例' } });
    fireEvent.change(idInput(), { target: { value: GOOD_ID } });
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect((await screen.findByRole('alert')).textContent).toBe('姓名与身份证号码不一致');
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect(await screen.findByText('姓名只能包含汉字、字母和“·”')).toBeTruthy();
    expect(screen.queryByText('姓名与身份证号码不一致')).toBeNull();
    expect(nameInput().className).toContain('input--error');
    expect(taroStub.toasts).toEqual([]); // shown on the page, not toasted
  });

  it('already verified elsewhere (409): says so and links to the profile', async () => {
    setup({
      'POST /me/real-name': {
        status: 409,
        body: { code: 'real_name_bound', title: '您已完成实名认证' },
      },
    });
    render(<RealNamePage />);
    fireEvent.change(nameInput(), { target: { value: '王示例' } });
    fireEvent.change(idInput(), { target: { value: GOOD_ID } });
    fireEvent.click(screen.getByRole('button', { name: '提交认证' }));
    expect(await screen.findByText('您已完成实名认证')).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: '查看我的档案' }));
    expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/more/profile/index' });
  });

  it('a verified citizen sees who they are verified as, not the form', async () => {
    setup({ 'GET /me/profile': { body: bound } });
    render(<RealNamePage />);
    expect(await screen.findByText('您已完成实名认证：王*例（110***********9513）')).toBeTruthy();
    expect(screen.queryByRole('button', { name: '提交认证' })).toBeNull();
  });
});
