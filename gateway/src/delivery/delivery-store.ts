import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import mysql from 'mysql2';
import { type Db, isMysql } from '../platform/db/database';
import { GroupCommit } from '../platform/db/group-commit';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { orderedId } from '../platform/outbox/ordered-id';
import type { DeliveryRow, DeliveryTables } from './delivery.migrations';
import type { DeliveryRecord, PlannedDelivery } from './delivery.types';

type OutboxRow = DeliveryTables['outbox'];
type Q = Kysely<DeliveryTables>;

const NEVER = Number.MAX_SAFE_INTEGER;

/** Text that sorts like (created_at, outbox id, item): the order deliveries of one orderKey go out in. */
export function orderSeq(createdAt: number, outboxId: string, item: number): string {
  return `${String(createdAt).padStart(15, '0')}:${outboxId}:${String(item).padStart(4, '0')}`;
}

export function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    outboxId: row.outbox_id,
    parentId: row.parent_id,
    route: row.route,
    topic: row.topic,
    destination: row.destination,
    key: row.delivery_key,
    orderKey: row.order_key,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    lastError: row.last_error,
    reference: row.reference,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
  };
}

/** What a lease claim is called in the rows: the instance name and a claim id (unique per claim). */
export function leaseToken(owner: string): string {
  return `${owner.slice(0, 60)}:${randomUUID().slice(0, 13)}`;
}

/** A planned delivery with the place it takes in the order. */
export interface NewDelivery {
  planned: PlannedDelivery;
  outboxId: string | null;
  parentId: string | null;
  route: string;
  topic: string;
  orderAt: number;
  orderSeq: string;
}

/**
 * The delivery side's SQL (outbox routing columns and the `deliveries` table). Claims are guarded
 * UPDATEs (`… WHERE lease free`), which serialize on the row on both SQLite and InnoDB; every
 * later change of a claimed row is guarded by its lease token, so an instance whose lease expired
 * and was taken over cannot overwrite the new holder's result.
 */
export class DeliveryStore {
  readonly db: Q;
  /** Outcomes of concurrent sends, written together: one transaction (one log flush) per batch. */
  private readonly outcomes: GroupCommit<Settlement, boolean>;

  constructor(db: Db) {
    this.db = db as Q;
    this.outcomes = new GroupCommit((items) => this.writeOutcomes(items), { maxBatch: 64, concurrency: 2 });
  }

  // ── routing ──────────────────────────────────────────────────────────────────────────────────

  async claimOutbox(token: string, now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const due = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return (await this.lease('outbox', due, token, now, leaseMs)) as OutboxRow[];
  }

  /**
   * Writes the deliveries of routed messages and marks the messages routed, in one transaction.
   * False (nothing written) when one of the leases was lost to another instance.
   */
  async markRouted(token: string, outboxIds: string[], deliveries: NewDelivery[], now: number) {
    if (outboxIds.length === 0) return true;
    try {
      await inTransaction(this.db as Db, async (tx) => {
        await this.insertDeliveries(tx, deliveries, now);
        const result = await (tx as unknown as Q)
          .updateTable('outbox')
          .set({ status: 'routed', lease_owner: null, lease_until: null, last_error: null })
          .where('id', 'in', outboxIds)
          .where('lease_owner', '=', token)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== outboxIds.length) throw new LeaseLost();
      });
      return true;
    } catch (error) {
      if (error instanceof LeaseLost) return false;
      throw error;
    }
  }

  async routingFailed(
    token: string,
    id: string,
    attempts: number,
    dead: boolean,
    retryAt: number,
    error: string,
  ) {
    await this.db
      .updateTable('outbox')
      .set({
        status: dead ? 'dead' : 'pending',
        attempts,
        next_attempt_at: retryAt,
        last_error: error,
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', id)
      .where('lease_owner', '=', token)
      .execute();
  }

  async releaseOutbox(tokens: string[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', 'in', tokens)
      .where('status', '=', 'pending')
      .execute();
  }

  // ── dispatch ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Claims due deliveries of `destinations`, oldest first, skipping any row whose (destination,
   * orderKey) has an earlier delivery still pending (leased or waiting for a retry) and any row
   * newer than the oldest message not yet routed: that message may still plan an earlier delivery
   * for the same orderKey.
   */
  async claimDeliveries(
    token: string,
    now: number,
    leaseMs: number,
    limit: number,
    destinations: string[],
  ): Promise<DeliveryRow[]> {
    if (destinations.length === 0 || limit <= 0) return [];
    // Index hints: on a young table the planners picked `deliveries_key` for the ordering check
    // (a scan of the whole destination per candidate row) and a sort of every pending row.
    const hint = (index: string) =>
      sql.raw(isMysql(this.db as Db) ? `force index (${index})` : `indexed by ${index}`);
    const { rows: due } = await sql<{ id: string }>`
      select d.id from deliveries as d ${hint('deliveries_claim')}
      where d.status = 'pending'
        and d.next_attempt_at <= ${now}
        and (d.lease_until is null or d.lease_until <= ${now})
        and d.destination in (${sql.join(destinations)})
        and d.order_at < coalesce((select min(o.created_at) from outbox as o where o.status = 'pending'), ${NEVER})
        and not exists (
          select 1 from deliveries as e ${hint('deliveries_order')}
          where e.destination = d.destination and e.order_key = d.order_key
            and e.status = 'pending' and e.order_seq < d.order_seq)
      order by d.order_seq
      limit ${limit}`.execute(this.db);
    return (await this.lease('deliveries', due, token, now, leaseMs)) as DeliveryRow[];
  }

  /**
   * Leases the due rows that are still free (a guarded UPDATE: another instance may have taken some
   * since they were read) and reads back the ones this claim got, in their sending order.
   */
  private async lease(
    table: 'outbox' | 'deliveries',
    due: { id: string }[],
    token: string,
    now: number,
    leaseMs: number,
  ): Promise<unknown[]> {
    if (due.length === 0) return [];
    const db = this.db as unknown as Db;
    await db
      .updateTable(table)
      .set({ lease_owner: token, lease_until: now + leaseMs })
      .where(
        'id',
        'in',
        due.map((r) => r.id),
      )
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .execute();
    const order = table === 'outbox' ? ['created_at', 'id'] : ['order_seq'];
    let claimed = db
      .selectFrom(table)
      .selectAll()
      .where('lease_owner', '=', token)
      .where('status', '=', 'pending');
    for (const column of order) claimed = claimed.orderBy(column);
    return claimed.execute();
  }

  /** Applies `changes` to a claimed row while `token` still holds it; false when the lease was lost. */
  async settle(
    token: string,
    id: string,
    changes: Partial<Omit<DeliveryRow, 'id'>>,
    executor: Db | Tx = this.db as Db,
  ): Promise<boolean> {
    const result = await settleQuery(executor, token, id, changes).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * One transaction for a batch of outcomes. On MySQL its updates go as one multi-statement round
   * trip (values escaped by the driver); a round trip costs more than the update itself.
   */
  private writeOutcomes(items: Settlement[]): Promise<boolean[]> {
    return inTransaction(this.db as Db, async (tx) => {
      if (items.length > 1 && isMysql(tx)) {
        const text = items
          .map((i) => {
            const q = settleQuery(tx, i.token, i.id, i.changes).compile();
            return mysql.format(q.sql, q.parameters as never);
          })
          .join(';\n');
        const { rows } = await tx.executeQuery(CompiledQuery.raw(text, []));
        // mysql2 answers a multi-statement update with one result header per statement.
        const headers = rows as unknown as { affectedRows?: unknown }[];
        if (headers.length !== items.length || headers.some((h) => typeof h?.affectedRows !== 'number')) {
          throw new Error('delivery: unexpected answer to a multi-statement update');
        }
        return headers.map((h) => h.affectedRows === 1);
      }
      const changed: boolean[] = [];
      for (const i of items) changed.push(await this.settle(i.token, i.id, i.changes, tx));
      return changed;
    });
  }

  /**
   * {@link DeliveryStore.settle} of one send's outcome, written together with those of the other sends
   * finishing at the same time (group commit); resolves once committed.
   */
  record(token: string, id: string, changes: Partial<Omit<DeliveryRow, 'id'>>): Promise<boolean> {
    return this.outcomes.add({ token, id, changes });
  }

  /**
   * Makes the rows of `destination` that wait on backoff after a failure due now (nobody holds them):
   * the destination answered again, so they need not sit out a wait sized for an outage.
   */
  async pullForward(destination: string, now: number): Promise<number> {
    const result = await (this.db as Db)
      .updateTable('deliveries')
      .set({ next_attempt_at: now })
      .where('status', '=', 'pending')
      .where('destination', '=', destination)
      .where('attempts', '>', 0)
      .where('next_attempt_at', '>', now + 5000)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows ?? 0);
  }

  /** Marks a claimed row refused and writes its fallbacks, in one transaction. */
  async refuse(token: string, row: DeliveryRow, error: string, fallbacks: NewDelivery[], now: number) {
    return inTransaction(this.db as Db, async (tx) => {
      const changed = await this.settle(
        token,
        row.id,
        {
          status: 'refused',
          attempts: row.attempts + 1,
          last_error: error,
          updated_at: now,
          finished_at: now,
        },
        tx,
      );
      if (changed) await this.insertDeliveries(tx, fallbacks, now);
      return changed;
    });
  }

  async releaseDeliveries(tokens: string[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.db
      .updateTable('deliveries')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', 'in', tokens)
      .where('status', '=', 'pending')
      .execute();
  }

  /**
   * When the next piece of work may become due (epoch ms), or undefined when nothing is pending:
   * the earliest retry or lease expiry among unrouted messages and pending deliveries.
   */
  async nextDue(destinations: string[]): Promise<number | undefined> {
    const dueOf = (r: { next_attempt_at: number; lease_until: number | null }) =>
      Math.max(Number(r.next_attempt_at), Number(r.lease_until ?? 0));
    const outbox = await this.db
      .selectFrom('outbox')
      .select(['next_attempt_at', 'lease_until'])
      .where('status', '=', 'pending')
      .orderBy('next_attempt_at')
      .limit(200)
      .execute();
    const deliveries =
      destinations.length === 0
        ? []
        : await this.db
            .selectFrom('deliveries')
            .select(['next_attempt_at', 'lease_until'])
            .where('status', '=', 'pending')
            .where('destination', 'in', destinations)
            .orderBy('next_attempt_at')
            .limit(200)
            .execute();
    const all = [...outbox, ...deliveries].map(dueOf);
    return all.length === 0 ? undefined : Math.min(...all);
  }

  private async insertDeliveries(tx: Tx, deliveries: NewDelivery[], now: number): Promise<void> {
    const rows: DeliveryRow[] = deliveries.map((d) => ({
      id: orderedId(),
      outbox_id: d.outboxId,
      parent_id: d.parentId,
      route: d.route,
      topic: d.topic,
      destination: d.planned.destination,
      delivery_key: d.planned.key,
      order_key: d.planned.orderKey,
      order_at: d.orderAt,
      order_seq: d.orderSeq,
      payload: JSON.stringify(d.planned.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      reference: null,
      edits: null,
      created_at: now,
      updated_at: now,
      finished_at: null,
    }));
    // A key planned twice is one effect: the second row is dropped (INSERT IGNORE / INSERT OR IGNORE).
    for (let i = 0; i < rows.length; i += 200) {
      await (tx as unknown as Q)
        .insertInto('deliveries')
        .values(rows.slice(i, i + 200))
        .orIgnore()
        .execute();
    }
  }
}

function settleQuery(
  executor: Db | Tx,
  token: string,
  id: string,
  changes: Partial<Omit<DeliveryRow, 'id'>>,
) {
  return (executor as Q)
    .updateTable('deliveries')
    .set({ ...changes, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', token)
    .where('status', '=', 'pending');
}

interface Settlement {
  token: string;
  id: string;
  changes: Partial<Omit<DeliveryRow, 'id'>>;
}

class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}
