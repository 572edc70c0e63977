import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import MyCases from './index';

describe('my cases', () => {
  it('lists my cases with status and opens one', async () => {
    const f = fakeApi({
      'GET /cases': {
        body: {
          items: [
            {
              id: 'c1',
              caseNumber: '20261127000001',
              service: { code: 'x', name: '生育津贴申领' },
              status: 'submitted',
              statusLabel: '已提交',
              submittedAt: '2026-11-27T03:04:00Z',
            },
          ],
          nextCursor: null,
        },
      },
    });
    f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
    setApi(f.api);
    render(<MyCases />);
    fireEvent.click(await screen.findByRole('link', { name: '生育津贴申领，已提交，提交于11月27日 11:04' }));
    expect(taroStub.navigations[0]).toEqual({ kind: 'navigateTo', url: '/pages/case/index?id=c1' });
  });

  it('shows the bound phone masked, or offers binding', async () => {
    const f = fakeApi({
      'GET /cases': { body: { items: [], nextCursor: null } },
      'GET /me': { body: { id: 'u1', phoneBound: false, phoneMasked: null } },
    });
    f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
    setApi(f.api);
    render(<MyCases />);
    expect(await screen.findByText('未绑定手机号')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '绑定手机号' }));
    expect(taroStub.navigations.at(-1)).toEqual({ kind: 'navigateTo', url: '/more/phone/index' });
  });

  it('asks a signed-out citizen to log in', () => {
    setApi(fakeApi({}).api);
    render(<MyCases />);
    expect(taroStub.navigations[0]!.url).toBe(
      `/pages/login/index?back=${encodeURIComponent('/pages/cases/index')}`,
    );
  });
});
