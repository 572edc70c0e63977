/**
 * Housekeeping (G-CRM issue 7): scheduled jobs that delete what has outlived its purpose, in keyset
 * batches (LIMIT-ed deletes by primary key, so a large backlog never locks a table), reporting
 * progress after each batch and stopping between batches on shutdown with a checkpoint the next run
 * resumes from. Periods come from config/retention.json ({@link loadRetentionConfig}).
 *
 * | job                          | what goes                                                      |
 * |------------------------------|----------------------------------------------------------------|
 * | `housekeeping.sessions`      | refresh tokens and staff sessions past expiry                  |
 * | `housekeeping.idempotency`   | idempotency keys ≥ 24 h after the submission                   |
 * | `housekeeping.materials`     | uploads never attached to a case, and their unshared bytes     |
 * | `housekeeping.audit-archive` | audit rows older than ≥ 180 days → verifiable archive files    |
 * | `housekeeping.retention`     | idle drafts, expired export requests, finished queue rows, job runs |
 *
 * Personal data: nothing a case uses is deleted (cases, case events and attached materials are never
 * touched); drafts and uploads of a citizen whose rights request is being handled wait until it is
 * answered; deletion is always compatible with a processing restriction (PIPL Art. 47 asks for it);
 * summaries and logs hold counts only.
 */
import { join } from 'node:path';
import { AuditArchiver } from '../audit';
import type { BlobStore } from '../materials';
import type { Db } from '../platform/db/database';
import type { JobDefinition } from '../scheduler/job';
import { auditArchiveJob } from './audit-archive.job';
import { idempotencySweeps } from './idempotency.job';
import { orphanMaterialSweeps } from './materials.job';
import { retentionSweeps } from './retention.job';
import { loadRetentionConfig, type RetentionConfig } from './retention-config';
import { sessionSweeps } from './sessions.job';
import { sweepJob } from './sweep-job';

export { auditArchiveJob } from './audit-archive.job';
export { runSweeps, type Sweep } from './keyset-sweep';
export {
  DEFAULT_RETENTION,
  DEFAULT_RETENTION_FILE,
  loadRetentionConfig,
  parseRetentionConfig,
  type RetentionConfig,
} from './retention-config';

export interface HousekeepingDeps {
  db: Db;
  /** The materials' blob store (the same instance MaterialsService uses). */
  blobs: BlobStore;
  /** DATA_DIR: audit archives are written to `<dataDir>/archive`. */
  dataDir: string;
  /** SM2 public keys of the audit checkpoints: each checkpoint is verified before its range is archived. */
  auditPublicKeys?: readonly string[];
  /** Default: config/retention.json (throws when a period is below its floor, e.g. audit < 180 days). */
  retention?: RetentionConfig;
  now?: () => number;
}

/**
 * The five housekeeping jobs, to register with the scheduler (schedules in config/jobs.json).
 *
 * @example
 * for (const job of housekeepingJobs({ db, blobs, dataDir: config.dataDir,
 *   auditPublicKeys: [auditSigner.publicKeyHex] })) scheduler.register(job);
 */
export function housekeepingJobs(deps: HousekeepingDeps): JobDefinition[] {
  const config = deps.retention ?? loadRetentionConfig();
  const now = deps.now ?? Date.now;
  const options = { batchSize: config.batchSize, now };
  const archiver = new AuditArchiver(deps.db, {
    dir: join(deps.dataDir, 'archive'),
    ...(deps.auditPublicKeys && { publicKeys: deps.auditPublicKeys }),
    maxRowsPerFile: config.auditMaxRowsPerFile,
    batchSize: config.batchSize,
    now,
  });
  return [
    sweepJob(
      'housekeeping.sessions',
      '清理过期的登录会话与刷新令牌',
      deps.db,
      sessionSweeps(config),
      options,
    ),
    sweepJob('housekeeping.idempotency', '清理过期的提交幂等键', deps.db, idempotencySweeps(config), options),
    sweepJob(
      'housekeeping.materials',
      '清理未提交的过期材料',
      deps.db,
      orphanMaterialSweeps(config, deps.db, deps.blobs),
      options,
    ),
    auditArchiveJob(archiver, config, now),
    sweepJob(
      'housekeeping.retention',
      '按保存期限清理草稿、导出申请、集成队列与任务记录',
      deps.db,
      retentionSweeps(config, deps.db),
      options,
    ),
  ];
}
