import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Retention periods (config/retention.json). Every period counts from the moment named in its TSDoc. */
export interface RetentionConfig {
  /** Rows deleted per statement (1–5000): small enough that no table is locked for long. */
  batchSize: number;
  /** Audit rows stay in the database this long after they were written; never below 180. */
  auditOnlineDays: number;
  /** Upper bound of rows per archive file (a file always ends at a signed checkpoint). */
  auditMaxRowsPerFile: number;
  /** Refresh tokens and staff sessions go this long after they expired. */
  sessionsAfterExpiryDays: number;
  /** Idempotency keys go this long after the submission (never below 24: clients retry within a day). */
  idempotencyKeyHours: number;
  /** Materials never attached to a case go this long after upload. */
  orphanMaterialHours: number;
  /** Drafts go after this long without being saved. */
  draftIdleDays: number;
  /** Data-export requests go this long after they were made (the export link expires after 7 days). */
  dataRequestExportDays: number;
  /** Delivered deliveries, done inbox rows and routed outbox rows go this long after they finished. */
  integrationQueueDays: number;
  /** Finished job runs (and the drift they reported) go after this long; the newest run of a job stays. */
  jobRunDays: number;
}

export const DEFAULT_RETENTION: RetentionConfig = {
  batchSize: 500,
  auditOnlineDays: 180,
  auditMaxRowsPerFile: 200_000,
  sessionsAfterExpiryDays: 0,
  idempotencyKeyHours: 24,
  orphanMaterialHours: 24,
  draftIdleDays: 90,
  dataRequestExportDays: 7,
  integrationQueueDays: 30,
  jobRunDays: 90,
};

/** The legal or contractual floor of each period; a configuration below it is refused. */
const MINIMUM: Partial<Record<keyof RetentionConfig, number>> = {
  batchSize: 1,
  auditOnlineDays: 180,
  auditMaxRowsPerFile: 1000,
  idempotencyKeyHours: 24,
  dataRequestExportDays: 7,
};

const MINIMUM_ZH: Partial<Record<keyof RetentionConfig, string>> = {
  auditOnlineDays: '审计日志在线保存不得少于 180 天（网络安全法第二十一条）',
  idempotencyKeyHours: '幂等键至少保留 24 小时',
  dataRequestExportDays: '导出申请至少保留 7 天（导出链接有效期）',
};

export const DEFAULT_RETENTION_FILE = fileURLToPath(
  new URL('../../../config/retention.json', import.meta.url),
);

/**
 * Validates a retention document: every key optional (defaults above), each a non-negative integer at
 * or above its floor. Throws one message naming every bad entry (zh-CN, with the key).
 */
export function parseRetentionConfig(raw: unknown, where = 'retention'): RetentionConfig {
  const doc = (raw ?? {}) as Record<string, unknown>;
  const config = { ...DEFAULT_RETENTION };
  const problems: string[] = [];
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) continue;
    if (!(key in DEFAULT_RETENTION)) {
      problems.push(`${key}: 未知的配置项`);
      continue;
    }
    const name = key as keyof RetentionConfig;
    const value = doc[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      problems.push(`${key}: 应为非负整数`);
      continue;
    }
    const floor = MINIMUM[name] ?? 0;
    if (value < floor) {
      problems.push(`${key}: ${MINIMUM_ZH[name] ?? `不得小于 ${floor}`}（配置为 ${value}）`);
      continue;
    }
    config[name] = value;
  }
  if (config.batchSize > 5000) problems.push('batchSize: 每批最多 5000 行');
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return config;
}

export function loadRetentionConfig(file = DEFAULT_RETENTION_FILE): RetentionConfig {
  return parseRetentionConfig(JSON.parse(readFileSync(file, 'utf8')), file);
}

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
