import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { OutboxWriter } from '../platform/outbox/outbox';
import type { JobOutcome } from '../scheduler';

/**
 * The drift a reconcile run found: one item per difference between our truth and an outside system,
 * with what was done about it. Every reconcile job (DingTalk todos, each OA, …) reports through a
 * {@link DriftRecorder}; the admin API and the DingTalk summary read the stored items.
 *
 * Kinds are `<area>.<difference>`, stable, English, e.g. `todo.missing`, `todo.extra`,
 * `todo.state`, `oa.result_missed`, `oa.not_received`, `oa.closed_in_oa`, `oa.lost`, `oa.state`.
 */
export interface DriftItem {
  kind: string;
  /** Our id of the thing (task id, case id, node-instance id). Never personal data. */
  ref: string;
  /** The outside system's id, when it has one (todo id, OA document id). */
  externalId?: string;
  /** `repaired`: fixed by the run; `needs_person`: only a person can settle it (see `note`). */
  outcome: 'repaired' | 'needs_person';
  /** zh-CN, short, for administrators: what differs and what was done, or what a person must do. */
  note: string;
}

export interface DriftSummary {
  /** Items per kind and outcome: `{ 'todo.missing': { repaired: 3, needs_person: 0 } }`. */
  byKind: Record<string, { repaired: number; needs_person: number }>;
  repaired: number;
  needsPerson: number;
}

export const driftMigrations: Migrations = {
  '2026112796_reconcile_drift': {
    async up(db) {
      await db.schema
        .createTable('reconcile_drift')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('run_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('job', 'varchar(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('ref', 'varchar(64)', (c) => c.notNull())
        .addColumn('external_id', 'varchar(128)')
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('note', 'varchar(500)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('reconcile_drift_run').on('reconcile_drift').columns(['run_id']).execute();
      await db.schema
        .createIndex('reconcile_drift_open')
        .on('reconcile_drift')
        .columns(['outcome', 'created_at'])
        .execute();
    },
  },
};

/**
 * Collects one run's drift and stores it (in batches, so a run that stops early keeps what it found).
 *
 * @example
 * const drift = new DriftRecorder(db, ctx.runId, 'reconcile.dingtalk.todos');
 * await drift.add({ kind: 'todo.missing', ref: task.id, outcome: 'repaired', note: '待办缺失，已重新创建' });
 * return drift.outcome({ checked });   // JobOutcome with counts and a zh-CN summary
 */
export class DriftRecorder {
  private readonly pending: DriftItem[] = [];
  private readonly summary: DriftSummary = { byKind: {}, repaired: 0, needsPerson: 0 };

  constructor(
    private readonly db: Db,
    readonly runId: string,
    readonly job: string,
    private readonly now: () => number = Date.now,
  ) {}

  async add(item: DriftItem): Promise<void> {
    const slot = this.summary.byKind[item.kind] ?? { repaired: 0, needs_person: 0 };
    this.summary.byKind[item.kind] = slot;
    slot[item.outcome]++;
    if (item.outcome === 'repaired') this.summary.repaired++;
    else this.summary.needsPerson++;
    this.pending.push(item);
    if (this.pending.length >= 200) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const items = this.pending.splice(0);
    const at = this.now();
    await this.db
      .insertInto('reconcile_drift')
      .values(
        items.map((i) => ({
          id: randomUUID(),
          run_id: this.runId,
          job: this.job,
          kind: i.kind,
          ref: i.ref,
          external_id: i.externalId ?? null,
          outcome: i.outcome,
          note: i.note.slice(0, 500),
          created_at: at,
        })),
      )
      .execute();
  }

  /**
   * Tells the responsible administrators (topic `reconcile.drift`, carried to their DingTalk by the
   * integration): once per run, with counts only.
   */
  private async announce(): Promise<void> {
    const kinds = Object.entries(this.summary.byKind)
      .map(([kind, n]) => `${kind} ${n.repaired + n.needs_person}`)
      .join('，');
    const message = {
      topic: 'reconcile.drift',
      aggregateType: 'job_run',
      aggregateId: this.runId,
      dedupeKey: `reconcile.drift:${this.runId}`,
      payload: {
        job: this.job,
        runId: this.runId,
        repaired: this.summary.repaired,
        needsPerson: this.summary.needsPerson,
        kinds,
      },
    };
    const writer = new OutboxWriter(this.db);
    try {
      await inTransaction(this.db, (tx) => writer.enqueueAll(tx, [message], this.now()));
    } catch (error) {
      // Announced already (the outcome was asked for twice): once per run is enough.
      if (!isUniqueViolation(error)) throw error;
    }
  }

  get totals(): DriftSummary {
    return structuredClone(this.summary);
  }

  /**
   * Flushes and returns the run's outcome: `counts` = the given ones plus `drift.<kind>` per kind,
   * `repaired`, `needsPerson`; `summary` in zh-CN.
   */
  async outcome(counts: Record<string, number> = {}, checkpoint?: string | null): Promise<JobOutcome> {
    await this.flush();
    if (this.summary.repaired + this.summary.needsPerson > 0) await this.announce();
    const all: Record<string, number> = {
      ...counts,
      repaired: this.summary.repaired,
      needsPerson: this.summary.needsPerson,
    };
    for (const [kind, n] of Object.entries(this.summary.byKind))
      all[`drift.${kind}`] = n.repaired + n.needs_person;
    const kinds = Object.keys(this.summary.byKind).length;
    return {
      counts: all,
      summary:
        this.summary.repaired + this.summary.needsPerson === 0
          ? '未发现差异'
          : `发现 ${kinds} 类差异：已修复 ${this.summary.repaired} 项，需人工处理 ${this.summary.needsPerson} 项`,
      ...(checkpoint !== undefined ? { checkpoint } : {}),
    };
  }
}
