import { readFileSync } from 'node:fs';
import { validate } from 'node-cron';

export interface JobSchedule {
  /** Cron expression (5 fields, or 6 with seconds). */
  schedule: string;
  enabled: boolean;
  /** Run once at start when a fire was missed while every instance was down. */
  catchUp: boolean;
  /**
   * Longest a run may hold the job's lease (overrides the job's own `maxRunMs`): after a crash of the
   * instance running it, the next fire can run on another instance once this has passed.
   */
  maxRunMs?: number;
}

export interface JobsConfig {
  timezone: string;
  jobs: Record<string, JobSchedule>;
}

/**
 * Reads the job schedules (config/jobs.json): `{ timezone, jobs: { name: { schedule, enabled?, catchUp?, maxRunSeconds? } } }`.
 * Throws one message naming every bad entry.
 */
export function loadJobsConfig(file: string): JobsConfig {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    timezone?: unknown;
    jobs?: Record<
      string,
      { schedule?: unknown; enabled?: unknown; catchUp?: unknown; maxRunSeconds?: unknown }
    >;
  };
  return parseJobsConfig(raw, file);
}

export function parseJobsConfig(raw: unknown, where = 'jobs'): JobsConfig {
  const problems: string[] = [];
  const doc = (raw ?? {}) as { timezone?: unknown; jobs?: Record<string, Record<string, unknown>> };
  const timezone = typeof doc.timezone === 'string' ? doc.timezone : 'Asia/Shanghai';
  const jobs: Record<string, JobSchedule> = {};
  for (const [name, entry] of Object.entries(doc.jobs ?? {})) {
    if (typeof entry?.schedule !== 'string' || !validate(entry.schedule)) {
      problems.push(`${name}.schedule: 不是有效的 cron 表达式`);
      continue;
    }
    const maxRun = entry.maxRunSeconds;
    if (
      maxRun !== undefined &&
      !(Number.isInteger(maxRun) && (maxRun as number) >= 1 && (maxRun as number) <= 86_400)
    ) {
      problems.push(`${name}.maxRunSeconds: 应为 1 到 86400 之间的整数秒`);
      continue;
    }
    jobs[name] = {
      schedule: entry.schedule,
      enabled: entry.enabled !== false,
      catchUp: entry.catchUp === true,
      ...(maxRun === undefined ? {} : { maxRunMs: (maxRun as number) * 1000 }),
    };
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return { timezone, jobs };
}
