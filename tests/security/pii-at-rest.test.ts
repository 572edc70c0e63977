import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import {
  fakeIdNumber,
  startTestGateway,
  type TestGateway,
  validApplication,
} from '../../gateway/test/test-gateway';
import { call } from '../support/http';

/** Every text in every table of the database, as one string per table. */
async function dumpAll(database: Database): Promise<Record<string, string>> {
  const tables =
    database.kind === 'mysql'
      ? (
          await sql<{
            name: string;
          }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`.execute(
            database.db,
          )
        ).rows
      : (
          await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(
            database.db,
          )
        ).rows;
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const rows = (await sql`SELECT * FROM ${sql.table(name)}`.execute(database.db)).rows;
    out[name] = JSON.stringify(rows);
  }
  return out;
}

describe(`personal data at rest (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  const id = fakeIdNumber(468, '19850611', '330106');
  const phone = '13912345678';

  beforeAll(async () => {
    t = await startTestGateway();
    database = createDatabase(t.env.config.database);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  it('stores no clear ID or phone number anywhere after applications, drafts, staff work and audit', async () => {
    const citizen = await t.login('o-pii-at-rest');
    const app = validApplication();
    const body = { ...app, formData: { ...app.formData, idNumber: id, phone } };
    const draft = await call(`${t.url}/api/v1/drafts/${app.serviceCode}`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: body.formData, channel: 'wechat' },
    });
    expect(draft.status).toBe(200);
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...body, fromDraft: false },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body.formData.idNumber).toMatch(/\*/);
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const todo = await call(`${t.url}/api/v1/staff/tasks`, { token: clerk });
    const task = todo.body.items.find((i: { caseId: string }) => i.caseId === submitted.body.id);
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/approve`, { token: clerk, body: {} })).status,
    ).toBe(200);
    const head = await t.staffLogin('st-hrss-head');
    const shown = await call(`${t.url}/api/v1/staff/cases/${submitted.body.id}/reveal`, {
      token: head,
      body: { field: 'idNumber', purpose: '核对申请人身份' },
    });
    expect(shown.body.value).toBe(id);
    // The citizen's prefill still finds the number (decrypted for them, masked on the way out).
    const prefill = await call(`${t.url}/api/v1/services/${app.serviceCode}/prefill`, {
      token: citizen.accessToken,
    });
    expect(prefill.status).toBe(200);

    // Exact-match search by number: through the blind index, within scope, on the audit record.
    const search = (token: string, value: string) =>
      call(`${t.url}/api/v1/staff/cases/search`, {
        token,
        body: { kind: 'id-number', value, purpose: '查找申请人办件' },
      });
    const hit = await search(clerk, id.toLowerCase());
    expect(hit.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([submitted.body.id]);
    expect((await search(await t.staffLogin('st-ps-clerk-1'), id)).body.items).toEqual([]);
    expect((await search(clerk, fakeIdNumber(469, '19850611', '330106'))).body.items).toEqual([]);

    const dump = await dumpAll(database);
    const found = Object.entries(dump).filter(([, text]) => text.includes(id) || text.includes(phone));
    expect(found.map(([table]) => table)).toEqual([]);
    expect(dump.cases).toMatch(/v1\.[0-9a-f]{8}\./);
    expect(dump.case_drafts).toMatch(/v1\.[0-9a-f]{8}\./);
    expect(dump.audit_log).toContain('pii.search');
  });
});
