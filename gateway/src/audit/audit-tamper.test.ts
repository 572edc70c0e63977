import { sql } from 'kysely';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { chainHash, checkpointMessage, sm2Signer } from './audit-chain';
import { auditTables } from './audit-log';
import {
  type AuditTestDb,
  openAuditTestDb,
  readRows,
  resetAudit,
  staffEntry,
  tamper,
} from './testing/audit-test-db';

const keys = sm2.generateKeyPairHex();
const signer = sm2Signer(keys.privateKey);
const publicKeys = [keys.publicKey];

describe(`audit chain tampering (${dialect})`, () => {
  let t: AuditTestDb;
  const firstBad = async () => (await t.log.verify({ publicKeys, pageSize: 4 })).firstBad;

  beforeAll(async () => {
    t = await openAuditTestDb();
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await resetAudit(t.db);
    await t.log.appendMany(Array.from({ length: 10 }, (_, i) => staffEntry(i)));
    await t.log.checkpoint(signer);
    expect(await t.log.verify({ publicKeys })).toMatchObject({ ok: true, checked: 10, checkpoints: 1 });
  });

  it.each([
    ['result', 'failure'],
    ['actor_id', 's-9'],
    ['at', 1],
    ['details', '{"n":5,"phone":"138****5678","x":1}'],
    ['object_type', null],
    ['prev_hash', 'f'.repeat(64)],
    ['hash', 'e'.repeat(64)],
  ] as const)('detects an edit of %s', async (column, value) => {
    await tamper.edit(t.db, 5, column, value);
    expect(await firstBad()).toMatchObject({ seq: 5, reason: 'edited' });
  });

  it('detects an edit whose row was re-hashed, at that row', async () => {
    const [row] = await sql<{ prev_hash: string }>`select prev_hash from audit_log where seq = 5`
      .execute(t.db)
      .then((r) => r.rows);
    await tamper.edit(t.db, 5, 'result', 'failure');
    const edited = (await readRows(t.db))[4]!;
    await tamper.edit(t.db, 5, 'hash', chainHash(row!.prev_hash, edited));
    expect(await firstBad()).toMatchObject({ seq: 5, reason: 'edited' });
  });

  it.each([1, 4, 5, 9])('detects deleting row %i', async (seq) => {
    await tamper.delete(t.db, seq);
    expect(await firstBad()).toMatchObject({ seq, reason: 'deleted' });
  });

  it('detects cutting the tail, below the head and below a checkpoint', async () => {
    await tamper.delete(t.db, 10);
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'deleted' });
    // A forger who also moves the head back is caught by the signed checkpoint at seq 10.
    const nine = await t.db
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', 9)
      .executeTakeFirstOrThrow();
    await sql`update audit_head set seq = 9, hash = ${nine.hash} where id = 1`.execute(t.db);
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'deleted' });
  });

  it.each([1, 3, 4, 10])('detects a forged row inserted at %i (later rows moved up)', async (seq) => {
    await tamper.insert(t.db, seq);
    // The forged row moves the checkpointed row 10 to seq 11; the chain names the forged row first.
    expect(await firstBad()).toMatchObject({ seq, reason: 'inserted' });
  });

  it('detects a forged row appended beyond the head', async () => {
    await tamper.insert(t.db, 11, false);
    expect(await firstBad()).toMatchObject({ seq: 11, reason: 'inserted' });
  });

  it.each([
    [3, 4],
    [1, 2],
    [2, 7],
    [9, 10],
  ])('detects rows %i and %i swapped', async (a, b) => {
    await tamper.swap(t.db, a, b);
    expect(await firstBad()).toMatchObject({ seq: a, reason: 'reordered' });
  });

  it('detects a forged checkpoint signature', async () => {
    const other = sm2Signer(sm2.generateKeyPairHex().privateKey);
    const cp = await auditTables(t.db).selectFrom('audit_checkpoints').selectAll().executeTakeFirstOrThrow();
    const forged = await other.sign(
      checkpointMessage({ ...cp, seq: 10, signed_at: Number(cp.signed_at), key_id: signer.keyId }),
    );
    await sql`update audit_checkpoints set signature = ${forged} where seq = 10`.execute(t.db);
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'bad_signature' });
    await sql`update audit_checkpoints set signature = ${'00'} where seq = 10`.execute(t.db);
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'bad_signature' });
    // A checkpoint signed by a key the verifier does not trust.
    const stranger = sm2Signer(sm2.generateKeyPairHex().privateKey);
    const msg = checkpointMessage({
      ...cp,
      seq: 10,
      signed_at: Number(cp.signed_at),
      key_id: stranger.keyId,
    });
    await sql`update audit_checkpoints set key_id = ${stranger.keyId}, signature = ${await stranger.sign(msg)}`.execute(
      t.db,
    );
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'bad_signature' });
  });

  it('detects a history rewritten from a row onwards by its signed checkpoint', async () => {
    // The forger re-hashes rows 8–10 after editing row 8 and moves the head: only the checkpoint knows.
    await tamper.edit(t.db, 8, 'result', 'denied');
    const rows = (await readRows(t.db)).slice(6);
    let prev = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const hash = chainHash(prev, row);
      await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`.execute(
        t.db,
      );
      prev = hash;
    }
    await sql`update audit_head set hash = ${prev} where id = 1`.execute(t.db);
    expect(await t.log.verify()).toMatchObject({
      ok: false,
      firstBad: { seq: 10, reason: 'checkpoint_mismatch' },
    });
  });

  it('detects a head that no longer matches the last row', async () => {
    await sql`update audit_head set hash = ${'a'.repeat(64)} where id = 1`.execute(t.db);
    expect(await firstBad()).toMatchObject({ seq: 10, reason: 'head_mismatch' });
  });

  it('verifies from a later seq, trusting the link into it', async () => {
    await tamper.edit(t.db, 2, 'result', 'failure');
    expect(await t.log.verify({ fromSeq: 3, publicKeys })).toMatchObject({
      ok: true,
      checked: 8,
      checkpoints: 1,
    });
    expect(await t.log.verify({ fromSeq: 2 })).toMatchObject({ ok: false, firstBad: { seq: 2 } });
  });
});
