import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import PoliciesPage from './index';

const items = [
  {
    code: 'pension-bonus',
    title: '养老金调整补贴',
    summary: '缴费满15年的退休人员可申请',
    serviceCode: 'hrss.pension-bonus',
    serviceName: '养老金调整补贴申领',
    grant: 'apply',
    eligible: false,
    explanation: '还差：社保缴费满15年，当前12年',
    reasons: ['已达到法定退休年龄'],
    missing: ['社保缴费满15年，当前12年'],
  },
  {
    code: 'maternity',
    title: '生育津贴',
    summary: '参保职工生育后可申领',
    serviceCode: 'hrss.maternity-allowance',
    serviceName: '生育津贴申领',
    grant: 'apply',
    eligible: true,
    explanation: '您符合申领条件',
    reasons: ['参加生育保险', '近期有生育登记'],
    missing: [],
  },
  {
    code: 'senior',
    title: '高龄津贴',
    summary: '80周岁以上老人',
    serviceCode: 'ca.senior-allowance',
    serviceName: '高龄津贴发放',
    grant: 'automatic',
    eligible: true,
    explanation: '您符合条件',
    reasons: ['年满80周岁'],
    missing: [],
  },
];

function setup(body: unknown) {
  const f = fakeApi({ 'GET /me/policies': { body } });
  f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
  setApi(f.api);
  return f;
}

describe('您可享受的政策', () => {
  it('lists the eligible first, says what is missing, offers 去申请 only where one applies', async () => {
    setup({ bound: true, items });
    render(<PoliciesPage />);
    const cards = await screen.findAllByRole('article');
    expect(cards.map((c) => c.getAttribute('aria-label'))).toEqual([
      '生育津贴，符合',
      '高龄津贴，符合',
      '养老金调整补贴，暂不符合',
    ]);
    const missing = screen.getByRole('list', { name: '还差的条件' });
    expect(missing.textContent).toBe('还差：· 社保缴费满15年，当前12年');
    // the explanation only repeated the list: said once
    expect(screen.queryByText('还差：社保缴费满15年，当前12年')).toBeNull();
    expect(screen.getByText('✓ 已达到法定退休年龄')).toBeTruthy();
    expect(screen.getByText('免申即享：无需申请，符合条件后将自动为您办理')).toBeTruthy();
    expect(
      screen.getAllByRole('button', { name: /^去申请/ }).map((b) => b.getAttribute('aria-label')),
    ).toEqual(['去申请生育津贴申领']);
    fireEvent.click(screen.getByRole('button', { name: '去申请生育津贴申领' }));
    expect(taroStub.navigations[0]!.url).toBe('/pages/service/index?code=hrss.maternity-allowance');
  });

  it('not verified: asks for real-name verification first', async () => {
    setup({ bound: false, items: [] });
    render(<PoliciesPage />);
    fireEvent.click(await screen.findByRole('button', { name: '去实名认证' }));
    expect(taroStub.navigations[0]!.url).toBe('/more/real-name/index');
  });
});
