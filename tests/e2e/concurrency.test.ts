import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

describe(`concurrent submits (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  beforeAll(async () => {
    t = await startTestGateway();
    database = createDatabase(t.env.config.database);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  it('50 parallel submits with one Idempotency-Key create exactly one case', async () => {
    const citizen = await t.login();
    const key = randomUUID();
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(`${t.url}/api/v1/cases`, {
          token: citizen.accessToken,
          body: validApplication(),
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);

    const db = database.db as Kysely<any>;
    const cases = await db
      .selectFrom('cases')
      .select('id')
      .where('citizen_id', '=', citizen.citizenId)
      .execute();
    expect(cases.map((c) => c.id)).toEqual([...ids]);
    const outbox = await db
      .selectFrom('outbox')
      .select('id')
      .where('aggregate_id', '=', [...ids][0])
      .execute();
    expect(outbox).toHaveLength(1);
    const events = await db
      .selectFrom('case_events')
      .select('id')
      .where('case_id', '=', [...ids][0])
      .execute();
    expect(events).toHaveLength(1);
  });

  it('parallel submits with distinct keys get distinct, unique case numbers', async () => {
    const citizen = await t.login();
    const replies = await Promise.all(
      Array.from({ length: 60 }, () =>
        call(`${t.url}/api/v1/cases`, {
          token: citizen.accessToken,
          body: validApplication(),
          headers: { 'idempotency-key': randomUUID() },
        }),
      ),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    expect(new Set(replies.map((r) => r.body.caseNumber)).size).toBe(60);
  });
});
