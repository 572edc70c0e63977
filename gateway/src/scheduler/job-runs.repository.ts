import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';

export interface JobRunRow {
  id: string;
  job: string;
  slot_at: number;
  reason: 'scheduled' | 'manual' | 'catch-up';
  instance: string;
  status: 'running' | 'succeeded' | 'failed' | 'stopped';
  started_at: number;
  finished_at: number | null;
  counts: string | null;
  summary: string | null;
  checkpoint: string | null;
  error: string | null;
}

const clip = (text: string | null | undefined) => (text == null ? null : text.slice(0, 500));

export class JobRunsRepository {
  private readonly db: Kysely<{ job_runs: JobRunRow }>;
  constructor(db: Db) {
    this.db = db as Kysely<{ job_runs: JobRunRow }>;
  }

  /** Claims the fire `slot` of `job`: false when another instance already has it. */
  async claim(row: Omit<JobRunRow, 'finished_at' | 'counts' | 'summary' | 'checkpoint' | 'error'>) {
    try {
      await this.db
        .insertInto('job_runs')
        .values({ ...row, finished_at: null, counts: null, summary: null, checkpoint: null, error: null })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async progress(
    id: string,
    counts: Record<string, number> | undefined,
    checkpoint: string | null | undefined,
  ) {
    await this.db
      .updateTable('job_runs')
      .set({
        ...(counts ? { counts: JSON.stringify(counts) } : {}),
        ...(checkpoint !== undefined ? { checkpoint: clip(checkpoint) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async finish(
    id: string,
    status: JobRunRow['status'],
    at: number,
    fields: { counts?: Record<string, number>; summary?: string; checkpoint?: string | null; error?: string },
  ) {
    await this.db
      .updateTable('job_runs')
      .set({
        status,
        finished_at: at,
        ...(fields.counts ? { counts: JSON.stringify(fields.counts) } : {}),
        ...(fields.summary !== undefined ? { summary: clip(fields.summary) } : {}),
        ...(fields.checkpoint !== undefined ? { checkpoint: clip(fields.checkpoint) } : {}),
        ...(fields.error !== undefined ? { error: clip(fields.error) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Newest first. */
  async recent(job: string, limit: number) {
    return (
      await this.db
        .selectFrom('job_runs')
        .selectAll()
        .where('job', '=', job)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
    ).map(numeric);
  }

  /** The slot of the newest scheduled (or caught-up) fire, or null. */
  async lastSlot(job: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('job_runs')
      .select((eb) => eb.fn.max('slot_at').as('slot'))
      .where('job', '=', job)
      .where('reason', '!=', 'manual')
      .executeTakeFirst();
    return row?.slot == null ? null : Number(row.slot);
  }

  /** Where the newest run stopped early, unless a later run finished. */
  async resumePoint(job: string): Promise<string | null> {
    const [last] = await this.db
      .selectFrom('job_runs')
      .select(['status', 'checkpoint'])
      .where('job', '=', job)
      .where('status', '!=', 'running')
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    return last && last.status !== 'succeeded' ? (last.checkpoint ?? null) : null;
  }

  /** Runs left `running` by an instance that died: marked failed once their lease is long gone. */
  async abandon(olderThan: number, at: number): Promise<number> {
    const r = await this.db
      .updateTable('job_runs')
      .set({ status: 'failed', finished_at: at, error: '运行该任务的实例已停止（未正常结束）' })
      .where('status', '=', 'running')
      .where('started_at', '<', olderThan)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

function numeric(row: JobRunRow): JobRunRow {
  return {
    ...row,
    slot_at: Number(row.slot_at),
    started_at: Number(row.started_at),
    finished_at: row.finished_at == null ? null : Number(row.finished_at),
  };
}
