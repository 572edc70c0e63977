import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, dialect } from '../../test/test-env';
import { createDatabase } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { sm2Signer } from './audit-chain';
import { AuditEntryError, AuditLog } from './audit-log';
import { type AuditTestDb, openAuditTestDb, readRows, resetAudit, staffEntry } from './testing/audit-test-db';

const ID = '11010519491231002X';
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Another gateway instance: a child process appending `count` rows; resolves to their seqs. */
async function runWorker(databaseUrl: string, count: number, label: string): Promise<number[]> {
  const worker = fileURLToPath(new URL('./testing/append-worker.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', worker, String(count), label], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return JSON.parse(stdout) as number[];
}
const keys = sm2.generateKeyPairHex();
const run = promisify(execFile);

describe(`audit log (${dialect})`, () => {
  let t: AuditTestDb;
  beforeAll(async () => {
    t = await openAuditTestDb();
    await t.db.schema
      .createTable('audit_test_things')
      .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
      .execute();
  });
  afterAll(async () => t?.close());
  beforeEach(async () => resetAudit(t.db));

  it('verifies an empty log', async () => {
    expect(await t.log.verify()).toEqual({
      ok: true,
      checked: 0,
      checkpoints: 0,
      signaturesChecked: false,
      head: { seq: 0, hash: '0'.repeat(64) },
    });
  });

  it('gives 50 concurrent callers, here and in two other instances, one gapless verifiable chain', async () => {
    let running = 2;
    const instances = ['a', 'b'].map((label) =>
      runWorker(t.env.env.DATABASE_URL!, 50, label).finally(() => running--),
    );
    const grouped = Array.from({ length: 50 }, (_, i) => t.log.append(staffEntry(i)));
    const ownTx = Array.from({ length: 50 }, (_, i) =>
      inTransaction(t.db, (tx) => t.log.append(staffEntry(100 + i), tx)),
    );
    const many = t.log.appendMany([staffEntry(300), staffEntry(301), staffEntry(302)]);
    const here = (await Promise.all([...grouped, ...ownTx, many])).flat();
    // Keep writing while the other instances do, so that their appends interleave with ours.
    while (running > 0) {
      here.push(
        ...(await Promise.all(Array.from({ length: 5 }, (_, i) => t.log.append(staffEntry(400 + i))))),
      );
    }
    const seqs = [...here.map((r) => r.seq), ...(await Promise.all(instances)).flat()];
    const all = Array.from({ length: seqs.length }, (_, i) => i + 1);
    expect(seqs.sort((a, b) => a - b)).toEqual(all);
    const rows = await readRows(t.db);
    expect(rows.map((r) => r.seq)).toEqual(all);
    const fromWorkers = rows.filter((r) => /^[ab]-/.test(r.request_id ?? '')).map((r) => r.seq);
    expect(fromWorkers).toHaveLength(100);
    expect(rows.slice(fromWorkers[0]! - 1, fromWorkers.at(-1)).length).toBeGreaterThan(100);
    expect(await t.log.verify({ pageSize: 16 })).toMatchObject({ ok: true, checked: all.length });
    expect((await t.log.head()).seq).toBe(all.length);
  });

  it('rolls back the caller’s work and its audit row together (fail-closed)', async () => {
    await t.log.append(staffEntry(1));
    const failing = inTransaction(t.db, async (tx) => {
      await tx.insertInto('audit_test_things').values({ id: 'grant-1' }).execute();
      await t.log.append(staffEntry(2), tx);
      throw new Error('the action failed after auditing');
    });
    await expect(failing).rejects.toThrow('the action failed');
    const refused = inTransaction(t.db, async (tx) => {
      await tx.insertInto('audit_test_things').values({ id: 'grant-2' }).execute();
      await t.log.append(staffEntry(3, { details: { idNumber: ID } }), tx);
    });
    await expect(refused).rejects.toBeInstanceOf(AuditEntryError);
    expect(await t.db.selectFrom('audit_test_things').selectAll().execute()).toEqual([]);
    expect((await readRows(t.db)).map((r) => r.seq)).toEqual([1]);
    // The seq the rolled-back row had is reused: no gap.
    expect((await t.log.append(staffEntry(4))).seq).toBe(2);
    expect(await t.log.verify()).toMatchObject({ ok: true, checked: 2 });
  });

  it('fails the caller when the audit table cannot be written', async () => {
    const env = await createTestEnv();
    const bare = createDatabase(env.config.database);
    try {
      await bare.db.schema
        .createTable('things')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .execute();
      const log = new AuditLog(bare.db);
      const action = inTransaction(bare.db, async (tx) => {
        await tx.insertInto('things').values({ id: 'x' }).execute();
        await log.append(staffEntry(1), tx);
      });
      await expect(action).rejects.toThrow();
      expect(await bare.db.selectFrom('things').selectAll().execute()).toEqual([]);
      await expect(log.append(staffEntry(2))).rejects.toThrow();
    } finally {
      await bare.close();
      await env.cleanup();
    }
  });

  it('refuses clear ID and mobile numbers anywhere in an entry, naming only where they are', async () => {
    const cases = [
      staffEntry(1, { details: { applicant: { id: ID } } }),
      staffEntry(1, { details: { note: `申请人 ${ID.toLowerCase()} 已核验` } }),
      staffEntry(1, { details: { phones: ['+86 138-1234-5678'] } }),
      staffEntry(1, { details: { phone: 13812345678 } }),
      staffEntry(1, { objectId: '13912345678' }),
      staffEntry(1, { actorId: ID }),
      staffEntry(1, { details: { [ID]: true } }),
    ];
    for (const entry of cases) {
      const error = await t.log.append(entry).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuditEntryError);
      expect(String((error as Error).message)).not.toMatch(/\d{11}/);
    }
    // Masked values, case numbers, timestamps and an 18-digit number with a wrong check char pass.
    await t.log.append(
      staffEntry(2, {
        details: {
          id: '110***********002X',
          phone: '138****5678',
          at: 1_780_000_000_000,
          order: '110105194912310021',
        },
      }),
    );
    expect(await readRows(t.db)).toHaveLength(1);
  });

  it('masks instead of refusing when configured to', async () => {
    const masking = new AuditLog(t.db, { pii: 'mask' });
    await masking.append(staffEntry(1, { details: { note: `id ${ID} tel 13812345678` } }));
    const [record] = (await masking.list()).items;
    expect(record?.details).toEqual({ note: 'id 110***********002X tel 138****5678' });
    expect(await masking.verify()).toMatchObject({ ok: true });
  });

  it('refuses malformed entries before touching the database', async () => {
    await expect(t.log.append(staffEntry(1, { result: 'maybe' as never }))).rejects.toBeInstanceOf(
      AuditEntryError,
    );
    await expect(t.log.append(staffEntry(1, { action: 'x'.repeat(65) }))).rejects.toBeInstanceOf(
      AuditEntryError,
    );
    await expect(t.log.append(staffEntry(1, { action: '' }))).rejects.toBeInstanceOf(AuditEntryError);
    await expect(t.log.append(staffEntry(1, { actorId: '\uD800' }))).rejects.toBeInstanceOf(AuditEntryError);
    expect(await t.log.head()).toMatchObject({ seq: 0 });
  });

  it('lists newest first with filters and keyset pages', async () => {
    const T0 = 1_780_000_000_000;
    await t.log.appendMany(Array.from({ length: 12 }, (_, i) => staffEntry(i, { at: T0 + i * 1000 })));
    const first = await t.log.list({ limit: 5 });
    expect(first.items.map((r) => r.seq)).toEqual([12, 11, 10, 9, 8]);
    const second = await t.log.list({ limit: 5, cursor: first.nextCursor });
    expect(second.items.map((r) => r.seq)).toEqual([7, 6, 5, 4, 3]);
    const last = await t.log.list({ limit: 5, cursor: second.nextCursor });
    expect(last).toEqual({
      items: [expect.objectContaining({ seq: 2 }), expect.objectContaining({ seq: 1 })],
    });
    const grants = await t.log.list({ action: 'role.grant', actor: 's-3' });
    expect(grants.items.map((r) => r.objectId)).toEqual(['case-3']);
    const window = await t.log.list({ from: T0 + 2000, to: T0 + 5000 });
    expect(window.items.map((r) => r.seq)).toEqual([5, 4, 3]);
    expect(first.items[0]).toMatchObject({
      actorType: 'staff',
      actorId: 's-4',
      action: 'case.decide',
      result: 'success',
      details: { n: 11, phone: '138****5678' },
      at: T0 + 11_000,
    });
    await expect(t.log.list({ cursor: 'abc' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(t.log.list({ limit: 0 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('signs checkpoints of the head and verifies their signatures', async () => {
    const signer = sm2Signer(keys.privateKey);
    expect(await t.log.checkpoint(signer)).toBeUndefined();
    await t.log.appendMany([staffEntry(1), staffEntry(2)]);
    const cp = await t.log.checkpoint(signer);
    expect(cp).toMatchObject({ seq: 2, key_id: signer.keyId });
    expect(await t.log.checkpoint(signer)).toEqual(cp);
    await t.log.append(staffEntry(3));
    await t.log.checkpoint(signer);
    expect(await t.log.verify({ publicKeys: [keys.publicKey] })).toMatchObject({
      ok: true,
      checked: 3,
      checkpoints: 2,
      signaturesChecked: true,
    });
    const count = await sql<{ n: number }>`select count(*) as n from audit_checkpoints`.execute(t.db);
    expect(Number(count.rows[0]?.n)).toBe(2);
  });
});
