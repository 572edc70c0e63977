import { type Kysely, sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { InboxRow, InboxStatus, InboxTables } from './inbox.types';

/** A page of the admin list: newest first; `next` continues after the last row. */
export interface InboxPage {
  rows: InboxRow[];
  next?: { receivedAt: number; id: string };
}

const num = (v: unknown) => Number(v);

function normalise(row: InboxRow): InboxRow {
  return {
    ...row,
    attempts: num(row.attempts),
    next_attempt_at: num(row.next_attempt_at),
    lease_until: num(row.lease_until),
    received_at: num(row.received_at),
    processed_at: row.processed_at === null ? null : num(row.processed_at),
  };
}

/** The inbox table; every state change of a row is guarded by its current state or lease. */
export class InboxRepository {
  private readonly db: Kysely<InboxTables>;
  constructor(db: Db) {
    this.db = db as unknown as Kysely<InboxTables>;
  }

  /** Inserts the row; false when (source, dedupe_key) is already there (a redelivery). */
  async insert(row: InboxRow): Promise<boolean> {
    try {
      await this.db.insertInto('callback_inbox').values(row).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<InboxRow | undefined> {
    const row = await this.db
      .selectFrom('callback_inbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? normalise(row) : undefined;
  }

  async findByKey(source: string, dedupeKey: string): Promise<InboxRow | undefined> {
    const row = await this.db
      .selectFrom('callback_inbox')
      .selectAll()
      .where('source', '=', source)
      .where('dedupe_key', '=', dedupeKey)
      .executeTakeFirst();
    return row ? normalise(row) : undefined;
  }

  /** Ids of pending rows due now and not leased, oldest due first. */
  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('callback_inbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '<', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Takes the lease of a due pending row for `leaseMs` and counts the attempt; the row, or undefined
   * when it is not due, not pending or leased by another run. Exactly one claimant wins.
   */
  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<InboxRow | undefined> {
    const result = await this.db
      .updateTable('callback_inbox')
      .set({ lease_owner: owner, lease_until: now + leaseMs, attempts: sql<number>`attempts + 1` })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '<', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    const row = await this.get(id);
    return row?.lease_owner === owner ? row : undefined;
  }

  /** Ends a claimed run; false when the lease was lost meanwhile (another run took over). */
  async finish(
    id: string,
    owner: string,
    outcome:
      | { status: 'done' | 'ignored' | 'dead'; at: number; error?: string }
      | { status: 'pending'; retryAt: number; error: string },
  ): Promise<boolean> {
    const common = { lease_owner: null, lease_until: 0, last_error: outcome.error?.slice(0, 200) ?? null };
    const update =
      outcome.status === 'pending'
        ? { ...common, status: outcome.status, next_attempt_at: outcome.retryAt }
        : { ...common, status: outcome.status, processed_at: outcome.at };
    const result = await this.db
      .updateTable('callback_inbox')
      .set(update)
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts a dead or ignored row back to pending with fresh attempts; false when it is in another state. */
  async requeue(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('callback_inbox')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        lease_owner: null,
        lease_until: 0,
        processed_at: null,
      })
      .where('id', '=', id)
      .where('status', 'in', ['dead', 'ignored'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(filter: {
    status?: InboxStatus;
    source?: string;
    after?: { receivedAt: number; id: string };
    limit: number;
  }): Promise<InboxPage> {
    let query = this.db.selectFrom('callback_inbox').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.source) query = query.where('source', '=', filter.source);
    const after = filter.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('received_at', '<', after.receivedAt),
          eb.and([eb('received_at', '=', after.receivedAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = (
      await query
        .orderBy('received_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute()
    ).map(normalise);
    if (rows.length <= filter.limit) return { rows };
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1]!;
    return { rows: page, next: { receivedAt: last.received_at, id: last.id } };
  }
}
