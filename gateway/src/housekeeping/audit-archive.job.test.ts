import { join } from 'node:path';
import { sm2 } from 'sm-crypto-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { AuditArchiver, AuditLog, sm2Signer } from '../audit';
import { type AuditTestDb, openAuditTestDb, staffEntry } from '../audit/testing/audit-test-db';
import { auditArchiveJob } from './audit-archive.job';
import { jobContext } from './housekeeping.test-support';
import { DAY_MS, DEFAULT_RETENTION } from './retention-config';

const keys = sm2.generateKeyPairHex();
const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);

describe(`housekeeping.audit-archive (${dialect})`, () => {
  let t: AuditTestDb;
  beforeAll(async () => {
    t = await openAuditTestDb();
  });
  afterAll(async () => t?.close());

  it('keeps 180 days online, stops on abort and resumes without starting over', async () => {
    const log = new AuditLog(t.db, { now: () => NOW });
    const signer = sm2Signer(keys.privateKey);
    // 181 and 179 days old, with a checkpoint after each group.
    await log.appendMany(Array.from({ length: 12 }, (_, i) => staffEntry(i, { at: NOW - 181 * DAY_MS })));
    await log.checkpoint(signer);
    await log.appendMany(Array.from({ length: 3 }, (_, i) => staffEntry(i, { at: NOW - 179 * DAY_MS })));
    await log.checkpoint(signer);
    const archiver = new AuditArchiver(t.db, {
      dir: join(t.env.dataDir, 'archive'),
      publicKeys: [keys.publicKey],
      batchSize: 5,
      now: () => NOW,
    });
    const job = auditArchiveJob(archiver, DEFAULT_RETENTION, () => NOW);

    const first = jobContext(null, 2);
    const stopped = await job.run(first);
    expect(stopped).toMatchObject({
      counts: { files: 1, rowsArchived: 12, rowsDeleted: 5 },
      checkpoint: 'audit|1-12',
    });
    expect(stopped?.summary).toContain('已按关机要求暂停');
    expect((await log.verify({ publicKeys: [keys.publicKey] })).ok).toBe(true);

    const resumed = await job.run(jobContext(stopped!.checkpoint!));
    expect(resumed?.counts).toEqual({ files: 0, rowsArchived: 0, rowsDeleted: 7 });
    expect(resumed?.summary).toBe('归档文件 0 个，归档记录 0 条，从数据库移除 7 条');
    const verified = await log.verify({ publicKeys: [keys.publicKey] });
    expect(verified).toMatchObject({ ok: true, checked: 3 });
    expect((await job.run(jobContext()))?.summary).toBe('没有超过在线保留期的审计记录');
  });
});
