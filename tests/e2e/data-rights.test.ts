import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import {
  fakeIdNumber,
  startTestGateway,
  type TestGateway,
  validApplication,
} from '../../gateway/test/test-gateway';
import { call } from '../support/http';

// PIPL Art. 45–47 end to end: a citizen exports, corrects and deletes their data and follows each
// request; the case's department decides corrections within its scope.
describe(`citizens' rights over their personal data (${dialect})`, () => {
  let t: TestGateway;
  let citizen: { accessToken: string; refreshToken: string; citizenId: string };
  let caseId: string;
  const id = fakeIdNumber(471, '19880214', '330106');
  const phone = '13912340001';

  beforeAll(async () => {
    t = await startTestGateway();
    citizen = await t.login(`o-rights-${randomUUID()}`);
    const app = validApplication();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...app, formData: { ...app.formData, idNumber: id, phone } },
    });
    expect(submitted.status).toBe(201);
    caseId = submitted.body.id;
    const draft = await call(`${t.url}/api/v1/drafts/hrss.unemployment-benefit`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: { applicantName: '王测试' }, channel: 'wechat' },
    });
    expect(draft.status).toBe(200);
  });
  afterAll(async () => t?.stop());

  const request = (token: string, body: unknown) => call(`${t.url}/api/v1/me/data-requests`, { token, body });

  it('exports everything held about the citizen as JSON, on the audit record, to them only', async () => {
    const created = await request(citizen.accessToken, { kind: 'export' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'export', status: 'completed', statusText: '已完成' });
    const download = await call(`${t.url}${created.body.exportUrl}`, { token: citizen.accessToken });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const { sections } = download.body;
    expect(Object.keys(sections).sort()).toEqual([
      'account',
      'audit',
      'cases',
      'drafts',
      'materials',
      'offers',
      'phone',
      'profile',
    ]);
    expect(sections.cases.title).toBe('办件记录');
    // Their own copy, in clear: the purpose of the right of access.
    expect(sections.cases.data[0].formData.idNumber).toBe(id);
    expect(sections.cases.data[0].timeline.length).toBeGreaterThan(0);
    expect(sections.drafts.data).toHaveLength(1);
    expect(sections.account.data.id).toBe(citizen.citizenId);
    expect(JSON.stringify(sections)).not.toMatch(/refresh|token_hash/i);

    const other = await t.login(`o-rights-other-${randomUUID()}`);
    expect((await call(`${t.url}${created.body.exportUrl}`, { token: other.accessToken })).status).toBe(404);
    const auditor = await t.staffLogin('st-admin-audit');
    const log = await call(`${t.url}/api/v1/admin/audit?action=pii.export`, { token: auditor });
    expect(log.body.items.some((r: { actorId: string }) => r.actorId === citizen.citizenId)).toBe(true);
  });

  it('refuses bad requests with the pointer of each bad field, and status/owner fields', async () => {
    const bad = await request(citizen.accessToken, { kind: 'correction', caseId });
    expect(bad.status).toBe(400);
    const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/field', '/value', '/reason']));
    const mass = await request(citizen.accessToken, { kind: 'export', status: 'completed' });
    expect(mass.status).toBe(400);
    expect(mass.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/status');
    const owner = await request(citizen.accessToken, { kind: 'deletion', citizenId: 'someone-else' });
    expect(owner.status).toBe(400);
    const value = await request(citizen.accessToken, {
      kind: 'correction',
      caseId,
      field: 'phone',
      value: '12345',
      reason: '号码变更',
    });
    expect(value.status).toBe(400);
    expect(value.body.errors[0].pointer).toBe('/value');
    expect(value.body.errors[0].message).toMatch(/[\u4e00-\u9fa5]/);
    const field = await request(citizen.accessToken, {
      kind: 'correction',
      caseId,
      field: 'noSuchField',
      value: 'x',
      reason: '号码变更',
    });
    expect(field.body.errors[0]).toMatchObject({ pointer: '/field', code: 'unknown_field' });
    const other = await t.login(`o-rights-intruder-${randomUUID()}`);
    const foreign = await request(other.accessToken, {
      kind: 'correction',
      caseId,
      field: 'phone',
      value: '13912340002',
      reason: '号码变更',
    });
    expect(foreign.status).toBe(404);
  });

  it("corrects a value once the case's department agrees, and tells the citizen why when it does not", async () => {
    const newPhone = '13912340009';
    const created = await request(citizen.accessToken, {
      kind: 'correction',
      caseId,
      field: '/phone',
      value: newPhone,
      reason: '手机号已更换',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'submitted', fieldTitle: '手机号码' });

    // Another department does not see it and cannot decide it.
    const outsider = await t.staffLogin('st-ps-clerk-1');
    const theirs = await call(`${t.url}/api/v1/staff/data-requests`, { token: outsider });
    expect(theirs.body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
    const decideAs = (token: string, body: unknown) =>
      call(`${t.url}/api/v1/staff/data-requests/${created.body.id}/decide`, { token, body });
    expect((await decideAs(outsider, { approve: true })).status).toBe(404);

    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const queue = await call(`${t.url}/api/v1/staff/data-requests`, { token: clerk });
    const item = queue.body.items.find((i: { id: string }) => i.id === created.body.id);
    expect(item.requestedValue).toBe('139****0009');
    const [a, b] = await Promise.all([
      decideAs(clerk, { approve: true }),
      decideAs(clerk, { approve: true }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);

    const followed = await call(`${t.url}/api/v1/me/data-requests/${created.body.id}`, {
      token: citizen.accessToken,
    });
    expect(followed.body.status).toBe('completed');
    const shown = await call(`${t.url}/api/v1/cases/${caseId}`, { token: citizen.accessToken });
    expect(shown.body.formData.phone).toBe('139****0009');
    const staffCase = await call(`${t.url}/api/v1/staff/cases/${caseId}`, { token: clerk });
    expect(JSON.stringify(staffCase.body)).toContain('依申请人申请更正了「手机号码」');

    const second = await request(citizen.accessToken, {
      kind: 'correction',
      caseId,
      field: 'applicantName',
      value: '王更正',
      reason: '姓名有误',
    });
    const refuse = (body: unknown) =>
      call(`${t.url}/api/v1/staff/data-requests/${second.body.id}/decide`, { token: clerk, body });
    expect((await refuse({ approve: false })).body.errors[0].pointer).toBe('/reason');
    expect((await refuse({ approve: false, reason: '与户籍信息一致，无需更正' })).status).toBe(200);
    const mine = await call(`${t.url}/api/v1/me/data-requests`, { token: citizen.accessToken });
    const rejected = mine.body.items.find((i: { id: string }) => i.id === second.body.id);
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: '与户籍信息一致，无需更正' });
  });

  it('deletes what may go, records what the law keeps and stops using it', async () => {
    const before = await call(`${t.url}/api/v1/services/hrss.maternity-allowance/prefill`, {
      token: citizen.accessToken,
    });
    expect(Object.keys(before.body.formData).length).toBeGreaterThan(0);

    const created = await request(citizen.accessToken, { kind: 'deletion', reason: '不再使用' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('completed');
    const deleted = Object.fromEntries(
      created.body.deleted.map((d: { name: string; count: number }) => [d.name, d.count]),
    );
    expect(deleted.drafts).toBe(1);
    expect(deleted.account).toBeGreaterThan(0); // sign-ins
    const retained = created.body.retained.find((r: { name: string }) => r.name === 'cases');
    expect(retained).toMatchObject({ count: 1, title: '办件记录' });
    expect(retained.basis).toContain('个人信息保护法');

    expect((await call(`${t.url}/api/v1/drafts`, { token: citizen.accessToken })).body.items).toEqual([]);
    const after = await call(`${t.url}/api/v1/services/hrss.maternity-allowance/prefill`, {
      token: citizen.accessToken,
    });
    expect(after.body.formData).toEqual({});
    // Signed out everywhere: the refresh token is gone.
    const refresh = await call(`${t.url}/api/v1/auth/refresh`, {
      body: { refreshToken: citizen.refreshToken },
    });
    expect(refresh.status).toBe(401);
    // The retained case is still theirs to see, and the request can be followed.
    expect((await call(`${t.url}/api/v1/cases/${caseId}`, { token: citizen.accessToken })).status).toBe(200);
    const again = await call(`${t.url}/api/v1/me/data-requests/${created.body.id}`, {
      token: citizen.accessToken,
    });
    expect(again.body.kindText).toBe('删除个人信息');
  });
});
