import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../../test/fake-api';
import { demoForm } from '../../../test/fixtures';
import { taroStub } from '../../../test/taro-stub';
import { setApi } from '../../services/api';
import ServiceGuide from './index';

const service = {
  code: 'bundle.newborn',
  name: '新生儿出生一件事',
  kind: 'bundle',
  departments: [],
  lifeEvents: ['birth'],
  guide: {
    summary: '宝宝出生后，父母只需填一张表。',
    conditions: ['新生儿在本市出生'],
    materials: [
      {
        code: 'hr',
        name: '落户方居民户口簿',
        required: true,
        eLicence: 'household-register',
        note: '可用电子户口簿代替',
      },
    ],
    legalWorkingDays: 20,
    promisedWorkingDays: 5,
    fee: '不收费',
    handling: { online: true, visitsAtMost: 0 },
  },
  form: demoForm,
};

describe('service guide', () => {
  it('explains the service in plain words and sends a signed-out citizen to login first', async () => {
    taroStub.params = { code: 'bundle.newborn' };
    const f = fakeApi({ 'GET /services/bundle.newborn': { body: service } });
    setApi(f.api);
    render(<ServiceGuide />);
    expect(await screen.findByText('宝宝出生后，父母只需填一张表。')).toBeTruthy();
    expect(screen.getByText('全程网办，不用跑腿')).toBeTruthy();
    expect(screen.getByText('可用电子证照')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '在线办理新生儿出生一件事' }));
    expect(taroStub.navigations[0]!.url).toBe(
      `/pages/login/index?back=${encodeURIComponent('/pages/apply/index?code=bundle.newborn')}`,
    );
  });

  describe('eligibility box', () => {
    const signedIn = (eligibility: unknown) => {
      taroStub.params = { code: 'bundle.newborn' };
      const f = fakeApi({
        'GET /services/bundle.newborn': { body: service },
        'GET /services/bundle.newborn/eligibility': eligibility as never,
      });
      f.api.citizen.save({ accessToken: 'AT', expiresIn: 900 });
      setApi(f.api);
      return f;
    };

    it('暂不符合 with what is still missing', async () => {
      signedIn({
        body: {
          serviceCode: 'bundle.newborn',
          policyCode: 'p1',
          eligible: false,
          explanation: '还差：新生儿在本市落户，当前未落户',
          reasons: ['父母一方为本市户籍'],
          missing: ['新生儿在本市落户，当前未落户'],
        },
      });
      render(<ServiceGuide />);
      const box = await screen.findByRole('status', { name: '您暂不符合办理条件' });
      expect(box.textContent).toContain('暂不符合');
      expect(screen.getByRole('list', { name: '还差的条件' }).textContent).toBe(
        '还差：· 新生儿在本市落户，当前未落户',
      );
    });

    it('符合, with the explanation', async () => {
      signedIn({
        body: {
          serviceCode: 'bundle.newborn',
          eligible: true,
          explanation: '您符合办理条件：父母一方为本市户籍',
          reasons: [],
          missing: [],
        },
      });
      render(<ServiceGuide />);
      expect(await screen.findByRole('status', { name: '您符合办理条件' })).toBeTruthy();
      expect(screen.getByText('您符合办理条件：父母一方为本市户籍')).toBeTruthy();
    });

    it('no answer yet (not verified, or no rule): a neutral sentence', async () => {
      signedIn({
        body: {
          serviceCode: 'bundle.newborn',
          eligible: null,
          explanation: '完成实名认证后可查看您是否符合条件',
          reasons: [],
          missing: [],
        },
      });
      render(<ServiceGuide />);
      expect(await screen.findByText('完成实名认证后可查看您是否符合条件')).toBeTruthy();
      expect(screen.queryByText('符合')).toBeNull();
    });

    it('a failed call leaves the guide as it was, without a toast', async () => {
      signedIn({ status: 503, body: { title: '服务暂不可用' } });
      render(<ServiceGuide />);
      expect(await screen.findByText('宝宝出生后，父母只需填一张表。')).toBeTruthy();
      await new Promise((r) => setTimeout(r, 20)); // the eligibility answer has come (and failed)
      expect(screen.queryByRole('status')).toBeNull();
      expect(taroStub.toasts).toEqual([]);
    });
  });
});
