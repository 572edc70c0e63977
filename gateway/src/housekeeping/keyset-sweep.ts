import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import type { Db } from '../platform/db/database';
import type { JobContext, JobOutcome } from '../scheduler/job';

// biome-ignore lint/suspicious/noExplicitAny: a sweep is written against any table of any context.
type AnyEb = ExpressionBuilder<any, any>;
type Row = Record<string, unknown>;

/**
 * One table's clean-up: the rows `where` selects are deleted in keyset batches (by primary key, at most
 * `batchSize` a statement), so a large backlog never holds a long lock, and the last key reached is
 * the checkpoint to resume from.
 */
export interface Sweep {
  /** Stable short name: the key of its count and part of the checkpoint (`refresh_tokens`). */
  readonly name: string;
  /** zh-CN label for the summary (`过期的刷新令牌`). */
  readonly title: string;
  readonly table: string;
  /** Primary-key columns, in keyset order. */
  readonly key: readonly string[];
  /**
   * Which rows are due, given the run's clock. Applied to the select and again to the delete, so a row
   * that changed in between (a material attached to a case meanwhile) stays. Reference only `table`'s
   * columns or other tables (MySQL refuses a subquery on the table being deleted from).
   */
  where(eb: AnyEb, now: number): Expression<SqlBool>;
  /** More columns read with each batch (handed to `afterDelete`). */
  readonly columns?: readonly string[];
  /** Runs once before the first batch (reads what `where` needs). */
  prepare?(now: number): Promise<void>;
  /** After a batch is deleted: clean up beside it (blobs); returns extra counts to add. */
  afterDelete?(rows: readonly Row[]): Promise<Record<string, number>>;
  /** The table belongs to a context that may not be deployed: a missing table is skipped. */
  readonly optional?: boolean;
}

export interface SweepOptions {
  batchSize: number;
  now: () => number;
}

const SEP = '|';

function isMissingTable(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return e?.errno === 1146 || e?.code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(e?.message ?? '');
}

/** `(k1, k2) > (v1, v2)` spelled out (MySQL and SQLite both have row values, Kysely's typing does not). */
function after(eb: AnyEb, key: readonly string[], cursor: readonly unknown[]): Expression<SqlBool> {
  const terms = key.map((_, i) =>
    eb.and([
      ...key.slice(0, i).map((k, j) => eb(eb.ref(k), '=', cursor[j])),
      eb(eb.ref(key[i]!), '>', cursor[i]),
    ]),
  );
  return eb.or(terms);
}

function keyMatch(eb: AnyEb, key: readonly string[], rows: readonly Row[]): Expression<SqlBool> {
  if (key.length === 1) {
    return eb(
      eb.ref(key[0]!),
      'in',
      rows.map((r) => r[key[0]!]),
    );
  }
  return eb.or(rows.map((r) => eb.and(key.map((k) => eb(eb.ref(k), '=', r[k])))));
}

/**
 * Runs the sweeps in order, batch by batch, reporting counts and the checkpoint (`<sweep>|<key JSON>`)
 * after each batch. When the job's signal aborts (shutdown) it stops between batches and returns
 * that checkpoint; the next run starts the named sweep after that key and skips the sweeps before it.
 */
export async function runSweeps(
  database: Db,
  ctx: JobContext,
  sweeps: readonly Sweep[],
  options: SweepOptions,
): Promise<JobOutcome> {
  const db = database as unknown as Kysely<Record<string, Row>>;
  const counts: Record<string, number> = Object.fromEntries(sweeps.map((s) => [s.name, 0]));
  const skipped: string[] = [];
  const resume = parseCheckpoint(ctx.checkpoint, sweeps);
  const now = options.now();
  for (let i = resume.index; i < sweeps.length; i++) {
    const sweep = sweeps[i]!;
    let cursor = i === resume.index ? resume.cursor : null;
    try {
      await sweep.prepare?.(now);
      for (;;) {
        const checkpoint = `${sweep.name}${SEP}${cursor === null ? '' : JSON.stringify(cursor)}`;
        if (ctx.signal.aborted) {
          return {
            counts,
            checkpoint,
            summary: `已按关机要求暂停，下次从检查点继续。${describe(sweeps, counts)}`,
          };
        }
        let query = db
          .selectFrom(sweep.table)
          .select([...sweep.key, ...(sweep.columns ?? [])])
          .where((eb) =>
            cursor === null
              ? sweep.where(eb, now)
              : eb.and([sweep.where(eb, now), after(eb, sweep.key, cursor)]),
          );
        for (const k of sweep.key) query = query.orderBy(k);
        const rows = await query.limit(options.batchSize).execute();
        if (rows.length === 0) break;
        const deleted = await db
          .deleteFrom(sweep.table)
          .where((eb) => eb.and([keyMatch(eb, sweep.key, rows), sweep.where(eb, now)]))
          .executeTakeFirst();
        counts[sweep.name]! += Number(deleted.numDeletedRows);
        for (const [k, n] of Object.entries((await sweep.afterDelete?.(rows)) ?? {}))
          counts[k] = (counts[k] ?? 0) + n;
        const last = rows.at(-1)!;
        cursor = sweep.key.map((k) => normalize(last[k]));
        await ctx.progress({ counts, checkpoint: `${sweep.name}${SEP}${JSON.stringify(cursor)}` });
        if (rows.length < options.batchSize) break;
      }
    } catch (error) {
      if (!sweep.optional || !isMissingTable(error)) throw error;
      skipped.push(sweep.name);
    }
  }
  return { counts, summary: describe(sweeps, counts, skipped) };
}

const normalize = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

function parseCheckpoint(checkpoint: string | null, sweeps: readonly Sweep[]) {
  const at = checkpoint?.indexOf(SEP) ?? -1;
  if (!checkpoint || at < 0) return { index: 0, cursor: null };
  const index = sweeps.findIndex((s) => s.name === checkpoint.slice(0, at));
  if (index < 0) return { index: 0, cursor: null };
  const text = checkpoint.slice(at + 1);
  try {
    const cursor = text === '' ? null : (JSON.parse(text) as unknown[]);
    if (cursor !== null && (!Array.isArray(cursor) || cursor.length !== sweeps[index]!.key.length)) {
      return { index, cursor: null };
    }
    return { index, cursor };
  } catch {
    return { index, cursor: null };
  }
}

/** `过期的刷新令牌 3 条，…` — counts only, never a row's content. */
function describe(sweeps: readonly Sweep[], counts: Record<string, number>, skipped: string[] = []): string {
  const parts = sweeps.map((s) => `${s.title} ${counts[s.name] ?? 0} 条`);
  const extra = skipped.length > 0 ? `；未部署而跳过：${skipped.join('、')}` : '';
  return `已清理：${parts.join('，')}${extra}`;
}
