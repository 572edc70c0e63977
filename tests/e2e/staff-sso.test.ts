import { DEMO_DINGTALK_ORG } from '@gcrm/connectors/dingtalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const ADMIN = 'admin-token-for-sso-tests-0123456789abcdef';

describe(`staff 免登 through DingTalk and WeCom, and org sync (${dialect})`, () => {
  let t: TestGateway;
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const sync = (provider: string, dryRun = false) =>
    api(`/admin/org/sync/${provider}`, { headers: { authorization: `Bearer ${ADMIN}` }, body: { dryRun } });

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN });
  });
  afterAll(async () => t?.stop());

  it('refuses a DingTalk user the org sync has not linked, then signs them in once synced', async () => {
    const dingtalk = t.gateway.dingtalkSimulator!;
    const before = await api('/auth/dingtalk', { body: { authCode: dingtalk.mintAuthCode('zhangwei') } });
    expect(before.status).toBe(403);
    expect(before.body.code).toBe('staff_not_linked');

    const dry = await sync('dingtalk', true);
    expect(dry.status).toBe(200);
    expect(dry.body.staff.added.map((s: { name: string }) => s.name)).toContain('张伟');
    const report = await sync('dingtalk');
    expect(report.body.staff.added).toHaveLength(DEMO_DINGTALK_ORG.users.length);

    const code = dingtalk.mintAuthCode('zhangwei');
    const signedIn = await api('/auth/dingtalk', { body: { authCode: code } });
    expect(signedIn.status).toBe(200);
    const me = await api('/staff/me', { token: signedIn.body.accessToken });
    expect(me.body).toMatchObject({ id: 'st-dingtalk-zhangwei', name: '张伟' });
    // 市政务服务管理局 was matched to ours by name; its 主管 became its head.
    expect(me.body.departments).toEqual([
      { code: 'admin-service', name: '市政务服务管理局', roles: ['clerk', 'department-head'] },
    ]);
    const sessions = await api('/staff/sessions', { token: signedIn.body.accessToken });
    expect(sessions.body.items[0]).toMatchObject({ method: 'dingtalk' });

    const reused = await api('/auth/dingtalk', { body: { authCode: code } });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('dingtalk_code_invalid');
  });

  it('takes a member who left out at the next sync: their sign-in and their token stop working', async () => {
    const dingtalk = t.gateway.dingtalkSimulator!;
    const token = (await api('/auth/dingtalk', { body: { authCode: dingtalk.mintAuthCode('lina') } })).body
      .accessToken as string;
    expect((await api('/staff/me', { token })).status).toBe(200);
    const org = dingtalk.getOrg();
    dingtalk.setOrg({
      departments: org.departments.map((d) => ({
        ...d,
        managerUserids: d.managerUserids?.filter((id) => id !== 'lina'),
      })),
      users: org.users.filter((u) => u.userid !== 'lina'),
    });
    const report = await sync('dingtalk');
    expect(report.body.staff.left).toEqual([{ staffId: 'st-dingtalk-lina', name: '李娜' }]);
    expect((await api('/staff/me', { token })).status).toBe(401);
  });

  it('lets a 安全管理员 link a legacy OA account (and a platform user) to a staff member by hand', async () => {
    const security = await t.staffLogin('st-admin-security');
    const linked = await api('/admin/staff/st-hrss-clerk-1/identities/oa', {
      method: 'PUT',
      token: security,
      body: { externalId: 'weaver-00231' },
    });
    expect(linked.status).toBe(204);
    const dingtalk = t.gateway.dingtalkSimulator!;
    await api('/admin/staff/st-hrss-clerk-1/identities/dingtalk', {
      method: 'PUT',
      token: security,
      body: { externalId: 'wangfang', unionId: 'u-wangfang' },
    });
    const list = await api('/admin/staff/st-hrss-clerk-1/identities', { token: security });
    expect(
      list.body.items.map((i: { provider: string; externalId: string }) => [i.provider, i.externalId]),
    ).toEqual([
      ['dingtalk', 'wangfang'],
      ['oa', 'weaver-00231'],
    ]);
    const signedIn = await api('/auth/dingtalk', { body: { authCode: dingtalk.mintAuthCode('wangfang') } });
    const me = await api('/staff/me', { token: signedIn.body.accessToken });
    expect(me.body.id).toBe('st-hrss-clerk-1');
  });

  it('signs a WeCom member in after the sync; a garbage code is refused', async () => {
    const wecom = t.gateway.wecomSimulator!;
    expect((await sync('wecom')).status).toBe(200);
    const ok = await api('/auth/wecom', { body: { code: wecom.mintAuthCode('ZhangWei') } });
    expect(ok.status).toBe(200);
    const bad = await api('/auth/wecom', { body: { code: 'not-a-code' } });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('wecom_code_invalid');
  });
});
