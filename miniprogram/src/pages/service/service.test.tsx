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
});
