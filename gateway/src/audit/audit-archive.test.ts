import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { sm2 } from 'sm-crypto-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { AuditArchiver, type AuditArchiverOptions } from './audit-archive';
import { verifyAuditArchive } from './audit-archive-file';
import { sm2Signer } from './audit-chain';
import { AuditLog } from './audit-log';
import { runAuditVerify } from './audit-verify-cli';
import { type AuditTestDb, openAuditTestDb, staffEntry, tamper } from './testing/audit-test-db';

const keys = sm2.generateKeyPairHex();
const signer = sm2Signer(keys.privateKey);
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);
const CUTOFF = NOW - 180 * DAY;

describe(`audit archive (${dialect})`, () => {
  let t: AuditTestDb;
  let log: AuditLog;
  let dir: string;

  const archiver = (options: Partial<AuditArchiverOptions> = {}) =>
    new AuditArchiver(t.db, { dir, publicKeys: [keys.publicKey], now: () => NOW, ...options });
  const drain = async (a: AuditArchiver) => {
    const steps = [];
    for (let s = await a.step(CUTOFF); s.kind !== 'idle'; s = await a.step(CUTOFF)) steps.push(s);
    return steps;
  };
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const code = await runAuditVerify(args, {
      env: { DATABASE_URL: t.env.env.DATABASE_URL, AUDIT_SM2_PUBLIC_KEYS: keys.publicKey },
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    return { code, out };
  };
  const seqs = async () =>
    (await sql<{ seq: number }>`select seq from audit_log order by seq`.execute(t.db)).rows.map((r) =>
      Number(r.seq),
    );

  // Rows 1–30 are 200 days old, 31–35 a day old; checkpoints at 10, 20 and 35.
  beforeEach(async () => {
    t = await openAuditTestDb();
    log = new AuditLog(t.db, { now: () => NOW });
    dir = join(t.env.dataDir, 'archive');
    const old = (i: number) => staffEntry(i, { at: NOW - 200 * DAY + i });
    await log.appendMany(Array.from({ length: 10 }, (_, i) => old(i)));
    await log.checkpoint(signer);
    await log.appendMany(Array.from({ length: 10 }, (_, i) => old(10 + i)));
    await log.checkpoint(signer);
    await log.appendMany(Array.from({ length: 10 }, (_, i) => old(20 + i)));
    await log.appendMany(Array.from({ length: 5 }, (_, i) => staffEntry(30 + i, { at: NOW - DAY })));
    await log.checkpoint(signer);
  });
  afterEach(async () => t?.close());

  it('archives the old prefix up to a signed checkpoint; the log and the file both verify', async () => {
    const steps = await drain(archiver());
    expect(steps[0]).toEqual({
      kind: 'archived',
      fromSeq: 1,
      toSeq: 20,
      rows: 20,
      file: 'audit-1-20.jsonl.gz',
    });
    expect(steps.at(-1)).toMatchObject({ kind: 'purged', done: true, deleted: 20 });
    // 21–30 are old too, but no checkpoint ends there before the young rows: they stay online.
    expect(await seqs()).toEqual(Array.from({ length: 15 }, (_, i) => 21 + i));

    const verified = await log.verify({ publicKeys: [keys.publicKey] });
    expect(verified).toMatchObject({
      ok: true,
      checked: 15,
      checkpoints: 1,
      signaturesChecked: true,
      archivedTo: 20,
    });
    expect((await log.verify({ fromSeq: 1 })).ok).toBe(true);

    const file = join(dir, 'audit-1-20.jsonl.gz');
    const archive = await verifyAuditArchive(file, { publicKeys: [keys.publicKey] });
    expect(archive).toMatchObject({
      ok: true,
      fromSeq: 1,
      toSeq: 20,
      checked: 20,
      checkpoints: 2,
      digestChecked: true,
    });
    expect(readFileSync(`${file}.sm3`, 'utf8')).toBe(`${archive.sm3}  audit-1-20.jsonl.gz\n`);
    const row = await t.db.selectFrom('audit_archives').selectAll().executeTakeFirstOrThrow();
    expect({ sm3: row.sm3, rows: Number(row.row_count), purged: row.purged_at !== null }).toEqual({
      sm3: archive.sm3,
      rows: 20,
      purged: true,
    });

    const offline = await cli(['--archive', file]);
    expect(offline.code).toBe(0);
    expect(offline.out[0]).toContain('归档文件校验通过：');
    expect(offline.out[0]).toContain('seq 1–20，已校验 20 条记录，2 个检查点（签名已验证），SM3 摘要一致');
    const online = await cli([]);
    expect(online.code).toBe(0);
    expect(online.out[2]).toContain('seq 20 及之前的记录已归档');
    expect(await drain(archiver())).toEqual([]);
  });

  it('splits a long prefix at checkpoints; the files must continue one another', async () => {
    await drain(archiver({ maxRowsPerFile: 10 }));
    expect(readdirSync(dir).sort()).toEqual([
      'audit-1-10.jsonl.gz',
      'audit-1-10.jsonl.gz.sm3',
      'audit-11-20.jsonl.gz',
      'audit-11-20.jsonl.gz.sm3',
    ]);
    const [first, second] = ['audit-1-10.jsonl.gz', 'audit-11-20.jsonl.gz'].map((f) => join(dir, f));
    expect((await cli(['--archive', second!, '--archive', first!])).code).toBe(0);
    expect((await log.verify({ publicKeys: [keys.publicKey] })).ok).toBe(true);

    // A first file whose rows were edited and re-hashed no longer matches its signed checkpoint.
    const lines = gunzipSync(readFileSync(first!)).toString('utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"seq":4}'));
    lines[i] = lines[i]!.replace('"result":"success"', '"result":"failure"');
    writeFileSync(first!, gzipSync(lines.join('\n')));
    const digest = await cli(['--archive', first!]);
    expect(digest.code).toBe(1);
    expect(digest.out[0]).toContain('文件摘要（SM3）与记录不符');
    rmSync(`${first}.sm3`);
    const edited = await verifyAuditArchive(first!, { publicKeys: [keys.publicKey] });
    expect(edited.firstBad).toMatchObject({ seq: 4, reason: 'edited' });
  });

  it('an interrupted purge leaves a log that verifies, and the next step finishes it', async () => {
    const a = archiver({ batchSize: 4 });
    expect((await a.step(CUTOFF)).kind).toBe('archived');
    expect(await a.step(CUTOFF)).toMatchObject({ kind: 'purged', deleted: 4, done: false });
    expect((await seqs())[0]).toBe(5);
    expect((await log.verify({ publicKeys: [keys.publicKey] })).ok).toBe(true);
    const rest = await drain(a);
    expect(rest.map((s) => (s.kind === 'purged' ? s.deleted : -1))).toEqual([4, 4, 4, 4]);
    expect((await seqs())[0]).toBe(21);
  });

  it('still catches tampering with the online rows and a forged archive boundary', async () => {
    await drain(archiver());
    await tamper.delete(t.db, 23);
    expect((await log.verify()).firstBad).toMatchObject({ seq: 23, reason: 'deleted' });
    await t.db
      .updateTable('audit_archives')
      .set({ to_seq: 23, last_hash: '1'.repeat(64) })
      .execute();
    expect((await log.verify()).firstBad).toMatchObject({ seq: 23, reason: 'checkpoint_mismatch' });
  });

  it('never takes rows younger than 180 days, whatever cutoff it is given', async () => {
    await expect(archiver().step(CUTOFF + 1)).rejects.toThrow(/at least 180 days/);
  });

  it('refuses to archive a broken chain and deletes nothing', async () => {
    await tamper.edit(t.db, 5, 'result', 'failure');
    await expect(archiver().step(CUTOFF)).rejects.toThrow(/chain breaks at seq 5/);
    expect(await seqs()).toHaveLength(35);
    expect(await t.db.selectFrom('audit_archives').selectAll().execute()).toEqual([]);
  });
});
