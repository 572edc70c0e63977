import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../gateway/src/platform/db/database';
import { createTestEnv, dialect, type TestEnv } from '../../gateway/test/test-env';
import { validApplication } from '../../gateway/test/test-gateway';
import { loginVia, spawnGateway } from '../support/spawn-gateway';

describe(`SIGKILL during a burst of submits (${dialect})`, () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ LOG_LEVEL: 'warn' });
  });
  afterAll(async () => env?.cleanup());

  it('keeps every acknowledged case with its outbox row and leaves no half-written case', async () => {
    const first = await spawnGateway(env.env);
    const token = await loginVia(first, 'o-crash');
    const keys = Array.from({ length: 400 }, () => randomUUID());
    const acked = new Map<string, string>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        try {
          const res = await fetch(`${first.url}/api/v1/cases`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'idempotency-key': key,
              'content-type': 'application/json',
            },
            body: JSON.stringify(validApplication()),
          });
          if (res.status === 201) acked.set(key, ((await res.json()) as { id: string }).id);
          if (acked.size >= 60 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch {
          // Connection reset by the kill: the request may or may not have committed.
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(60);
    expect(acked.size).toBeLessThan(keys.length);

    const database = createDatabase(env.config.database);
    try {
      const db = database.db as Kysely<any>;
      const cases = await db.selectFrom('cases').select(['id']).execute();
      const ids = new Set(cases.map((c) => c.id as string));
      for (const id of acked.values()) expect(ids.has(id)).toBe(true);
      const outbox = new Set(
        (
          await db.selectFrom('outbox').select('aggregate_id').where('topic', '=', 'case.submitted').execute()
        ).map((r) => r.aggregate_id as string),
      );
      // The case's flow starts in the same transaction: an instance and its first task, or neither.
      const flows = new Set(
        (await db.selectFrom('wf_instances').select('case_id').execute()).map((r) => r.case_id as string),
      );
      const tasked = new Set(
        (await db.selectFrom('wf_tasks').select('case_id').execute()).map((r) => r.case_id as string),
      );
      const events = new Set(
        (await db.selectFrom('case_events').select('case_id').execute()).map((r) => r.case_id as string),
      );
      const keyed = new Set(
        (await db.selectFrom('idempotency_keys').select('case_id').execute()).map((r) => r.case_id as string),
      );
      for (const id of ids) {
        expect(outbox.has(id), `outbox row of ${id}`).toBe(true);
        expect(events.has(id), `timeline of ${id}`).toBe(true);
        expect(keyed.has(id), `idempotency row of ${id}`).toBe(true);
        expect(flows.has(id), `flow instance of ${id}`).toBe(true);
        expect(tasked.has(id), `first task of ${id}`).toBe(true);
      }
      expect(outbox.size).toBe(ids.size);
      expect(flows.size).toBe(ids.size);
    } finally {
      await database.close();
    }

    // After a restart the client retries every key: each yields one case, the acknowledged ones unchanged.
    const second = await spawnGateway(env.env);
    try {
      const token2 = await loginVia(second, 'o-crash');
      const finalIds = new Map<string, string>();
      for (const key of keys.slice(0, Math.min(keys.length, acked.size + 40))) {
        const res = await fetch(`${second.url}/api/v1/cases`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token2}`,
            'idempotency-key': key,
            'content-type': 'application/json',
          },
          body: JSON.stringify(validApplication()),
        });
        expect(res.status).toBe(201);
        finalIds.set(key, ((await res.json()) as { id: string }).id);
      }
      for (const [key, id] of acked) expect(finalIds.get(key)).toBe(id);
      expect(new Set(finalIds.values()).size).toBe(finalIds.size);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);
});
