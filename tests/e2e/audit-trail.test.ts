import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../gateway/src/audit';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const ADMIN = 'admin-token-for-audit-tests-0123456789abcdef';

describe(`audit trail of the API (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  let audit: AuditLog;
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN });
    database = createDatabase(t.env.config.database);
    audit = new AuditLog(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  const rows = async (action: string) => (await audit.list({ action, limit: 100 })).items;

  it('records sign-ins, refusals and case decisions, with the actor, object and request id', async () => {
    const citizen = await t.login('o-audit-citizen');
    const submitted = await api('/cases', {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const todo = await api('/staff/tasks', { token: clerk });
    const task = todo.body.items.find((i: { caseId: string }) => i.caseId === submitted.body.id);
    const approved = await api(`/staff/tasks/${task.id}/approve`, {
      token: clerk,
      body: { comment: '同意' },
      headers: { 'x-request-id': 'req-audit-approve-1' },
    });
    expect(approved.status).toBe(200);
    const [decision] = await rows('approveTask');
    expect(decision).toMatchObject({
      actorType: 'staff',
      actorId: 'st-hrss-clerk-1',
      objectId: task.id,
      result: 'success',
      requestId: 'req-audit-approve-1',
    });
    expect((await rows('staffSandboxLogin')).length).toBeGreaterThan(0);
    expect((await rows('loginWithWechat')).length).toBeGreaterThan(0);

    const sysadmin = await t.staffLogin('st-admin-system');
    await api(`/staff/tasks/${task.id}/approve`, { token: sysadmin, body: {} });
    expect((await rows('approveTask')).find((r) => r.actorId === 'st-admin-system')).toMatchObject({
      result: 'denied',
      details: { status: 403, code: 'permission_denied' },
    });
    await api('/auth/admin/login', {
      body: { staffId: 'st-admin-audit', password: 'Nope#1234', totp: '123456' },
    });
    expect((await rows('adminLogin'))[0]).toMatchObject({
      actorType: 'anonymous',
      actorId: 'st-admin-audit',
      result: 'failure',
    });
  });

  it('puts an admin action on record before it runs, and refuses it when the log cannot be written', async () => {
    const publish = (token: string) =>
      api('/admin/flows/publish', { headers: { authorization: `Bearer ${token}` }, body: { flows: [{}] } });
    await publish(ADMIN);
    expect((await rows('publishFlows.attempt'))[0]).toMatchObject({ actorType: 'admin', result: 'success' });
    expect((await rows('publishFlows'))[0]).toMatchObject({ result: 'failure', details: { status: 422 } });

    // The audit log cannot be written: the change is refused (fail-closed), not made without a record.
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(database.db);
    try {
      const refused = await publish(ADMIN);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('audit_unavailable');
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(database.db);
    }
  });

  it('reveals an ID number only to a 部门负责人 of the case, for a stated purpose, on the audit record', async () => {
    const citizen = await t.login('o-audit-reveal');
    const app = validApplication();
    const submitted = await api('/cases', {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: app,
    });
    const path = `/staff/cases/${submitted.body.id}/reveal`;
    const body = { field: 'idNumber', purpose: '核对申请人身份' };
    expect((await api(path, { token: await t.staffLogin('st-hrss-clerk-1'), body })).status).toBe(403);
    expect((await api(path, { token: await t.staffLogin('st-ps-head'), body })).status).toBe(404);
    const head = await t.staffLogin('st-hrss-head');
    const notSensitive = await api(path, {
      token: head,
      body: { field: 'employer', purpose: '核对申请人身份' },
    });
    expect(notSensitive.status).toBe(400);
    const shown = await api(path, { token: head, body });
    expect(shown.status).toBe(200);
    expect(shown.body.value).toBe(app.formData.idNumber);
    const [row] = (await audit.list({ action: 'pii.reveal', limit: 10 })).items;
    expect(row).toMatchObject({
      actorId: 'st-hrss-head',
      objectId: submitted.body.id,
      details: { field: 'idNumber', purpose: '核对申请人身份' },
    });
    expect(JSON.stringify(row)).not.toContain(app.formData.idNumber);
  });

  it('lets the 审计管理员, and only them, read the log and check its chain', async () => {
    const auditor = await t.staffLogin('st-admin-audit');
    const page = await api('/admin/audit?action=approveTask&limit=5', { token: auditor });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(page.body.items.every((r: { action: string }) => r.action === 'approveTask')).toBe(true);
    const verified = await api('/admin/audit/verification', { token: auditor });
    expect(verified.body).toMatchObject({ ok: true });
    const sysadmin = await t.staffLogin('st-admin-system');
    expect((await api('/admin/audit', { token: sysadmin })).status).toBe(403);
  });

  it('keeps a chain that verifies, without a clear ID or phone number in it', async () => {
    const result = await audit.verify({ publicKeys: [] });
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(5);
    const all = JSON.stringify((await audit.list({ limit: 500 })).items);
    expect(all).not.toMatch(/\b\d{17}[\dX]\b/);
    expect(all).not.toMatch(/\b1[3-9]\d{9}\b/);
  });
});
