import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import ProfilePage from './index';

const consent = (
  source: string,
  sourceLabel: string,
  purpose: string,
  purposeLabel: string,
  granted = true,
) => ({
  source,
  sourceLabel,
  purpose,
  purposeLabel,
  granted,
  ...(granted ? {} : { revokedAt: '2026-11-20' }),
});

const profile = (marriageEligibility = true) => ({
  bound: true,
  idNumber: '110***********9513',
  name: '王*例',
  items: [
    {
      fact: 'profile.birthDate',
      label: '出生日期',
      value: '1990-03-07',
      source: 'hukou',
      sourceLabel: '公安户籍',
      observedAt: '1990-03-20',
      text: '出生日期：1990-03-07 · 来源：公安户籍 · 1990-03-20',
    },
  ],
  excluded: marriageEligibility ? [] : ['民政婚姻登记 · 已撤回授权（2026-11-20），相关信息未使用'],
  conflicts: ['出生日期：公安户籍 与 卫健出生医学证明 记录不一致，采用公安户籍'],
  timeline: [{ kind: 'marriage', label: '结婚登记', at: '2025-05-20', sourceLabel: '民政婚姻登记' }],
  consents: [
    consent('hukou', '公安户籍', 'eligibility', '判断政策资格'),
    consent('marriage', '民政婚姻登记', 'eligibility', '判断政策资格', marriageEligibility),
    consent('marriage', '民政婚姻登记', 'prefill', '自动填写表单'),
  ],
});

function setup(routes: Parameters<typeof fakeApi>[0]) {
  const f = fakeApi(routes);
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('我的档案', () => {
  it('shows each value with its source and date, the notes and the life events', async () => {
    setup({ 'GET /me/profile': { body: profile() } });
    render(<ProfilePage />);
    expect(await screen.findByText('1990-03-07')).toBeTruthy();
    expect(screen.getByText('来源：公安户籍 · 1990年3月20日')).toBeTruthy();
    expect(
      screen.getByText('说明：出生日期：公安户籍 与 卫健出生医学证明 记录不一致，采用公安户籍'),
    ).toBeTruthy();
    expect(screen.getByText('结婚登记')).toBeTruthy();
    expect(screen.getByText('2025年5月20日 · 来源：民政婚姻登记')).toBeTruthy();
    expect(screen.getByText('王*例 · 身份证 110***********9513')).toBeTruthy();
  });

  it('a consent switch withdraws (and the page shows what the gateway answers)', async () => {
    const f = setup({
      'GET /me/profile': { body: profile() },
      'PUT /me/profile/consents': { body: profile(false) },
    });
    render(<ProfilePage />);
    const sw = await screen.findByRole('switch', { name: '民政婚姻登记的信息用于判断政策资格' });
    expect((sw as HTMLInputElement).checked).toBe(true);
    fireEvent.click(sw);
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'PUT')?.body).toEqual({
        source: 'marriage',
        purpose: 'eligibility',
        granted: false,
      }),
    );
    expect(await screen.findByText('已于2026年11月20日撤回')).toBeTruthy();
    expect(
      (screen.getByRole('switch', { name: '民政婚姻登记的信息用于判断政策资格' }) as HTMLInputElement)
        .checked,
    ).toBe(false);
    expect(screen.getByText('说明：民政婚姻登记 · 已撤回授权（2026-11-20），相关信息未使用')).toBeTruthy();
    expect(taroStub.toasts).toContain('已撤回授权');
  });

  it('a failed change leaves the switch as it was and says why', async () => {
    setup({
      'GET /me/profile': { body: profile() },
      'PUT /me/profile/consents': { status: 503, body: { title: '系统繁忙，请稍后重试' } },
    });
    render(<ProfilePage />);
    fireEvent.click(await screen.findByRole('switch', { name: '公安户籍的信息用于判断政策资格' }));
    await waitFor(() => expect(taroStub.toasts).toContain('系统繁忙，请稍后重试'));
    expect(
      (screen.getByRole('switch', { name: '公安户籍的信息用于判断政策资格' }) as HTMLInputElement).checked,
    ).toBe(true);
  });

  it('not verified yet: invites real-name verification', async () => {
    setup({ 'GET /me/profile': { body: { bound: false } } });
    render(<ProfilePage />);
    fireEvent.click(await screen.findByRole('button', { name: '去实名认证' }));
    expect(taroStub.navigations[0]!.url).toBe('/more/real-name/index');
  });
});
