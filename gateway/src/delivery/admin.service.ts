import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { errors } from '../platform/errors';
import type { BreakerState } from './breakers';
import type { DeliveryRow, DeliveryTables } from './delivery.migrations';
import type { DeliveryRecord, DeliveryStatus } from './delivery.types';
import { toRecord } from './delivery-store';

type Q = Kysely<DeliveryTables>;

export interface DeliveryListQuery {
  status?: DeliveryStatus;
  destination?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export interface DeliveryPage {
  items: DeliveryRecord[];
  nextCursor?: string;
}

/** One admin fix of a delivery's payload: who, when, and the payload it replaced. */
export interface DeliveryEdit {
  at: number;
  by: string;
  previous: Record<string, unknown>;
}

export interface DeliveryDetail extends DeliveryRecord {
  edits: DeliveryEdit[];
}

export interface DestinationStats {
  destination: string;
  counts: Record<DeliveryStatus, number>;
  /** Age of the oldest pending delivery (ms), null when none is pending. */
  oldestPendingAgeMs: number | null;
  breaker: BreakerState;
}

export interface DeliveryStats {
  destinations: DestinationStats[];
  outbox: { unrouted: number; dead: number; oldestUnroutedAgeMs: number | null };
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_EDITS_KEPT = 20;
const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'refused', 'dead'];

const notFound = () => errors.notFound('delivery_not_found', '未找到该投递记录');

/**
 * The dead-letter desk (system administrators): list and inspect deliveries, fix a payload, and put
 * dead deliveries back in the queue. A replayed delivery keeps its place in its orderKey's order:
 * while pending again it holds back later ones, but later ones already sent stay sent.
 */
export class DeliveryAdmin {
  private readonly db: Q;
  constructor(
    db: Db,
    private readonly options: { breakerStates?: () => Record<string, BreakerState>; now?: () => number } = {},
  ) {
    this.db = db as Q;
  }

  /** Newest first; keyset pagination on the (time-ordered) id. */
  async list(query: DeliveryListQuery = {}): Promise<DeliveryPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw errors.validation([{ parameter: 'limit', code: 'out_of_range', message: '每页条数应为 1–200' }]);
    }
    if (query.cursor !== undefined && !ID.test(query.cursor)) {
      throw errors.validation([{ parameter: 'cursor', code: 'invalid_cursor', message: '分页游标无效' }]);
    }
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
      .$if(query.destination !== undefined, (q) => q.where('destination', '=', query.destination!))
      .$if(query.cursor !== undefined, (q) => q.where('id', '<', query.cursor!))
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toRecord);
    return rows.length > limit ? { items, nextCursor: items.at(-1)!.id } : { items };
  }

  async get(id: string): Promise<DeliveryDetail> {
    const row = await this.row(id);
    return { ...toRecord(row), edits: edits(row) };
  }

  /**
   * Replaces the payload of a delivery that is dead, or pending and not being sent, and keeps the
   * replaced payload in its edit history. The delivery is not replayed by this.
   */
  async fixPayload(id: string, payload: unknown, by: string): Promise<DeliveryDetail> {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw errors.validation([{ pointer: '/payload', code: 'type', message: '投递内容必须是 JSON 对象' }]);
    }
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw errors.validation([
        { pointer: '/payload', code: 'too_large', message: '投递内容不能超过 64 KB' },
      ]);
    }
    const row = await this.row(id);
    const now = this.now();
    const editable = row.status === 'dead' || (row.status === 'pending' && !isLeased(row, now));
    if (!editable) {
      throw errors.conflict('delivery_not_editable', '只有失败（死信）或尚未发送的投递可以修改内容');
    }
    const history = [
      ...edits(row),
      { at: now, by, previous: JSON.parse(row.payload) as Record<string, unknown> },
    ];
    const result = await this.db
      .updateTable('deliveries')
      .set({ payload: text, edits: JSON.stringify(history.slice(-MAX_EDITS_KEPT)), updated_at: now })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .where('updated_at', '=', row.updated_at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw errors.conflict('delivery_changed', '该投递记录刚刚被修改或正在发送，请刷新后重试');
    }
    return this.get(id);
  }

  /** Puts one dead delivery back in the queue (pending, attempts 0, due now). */
  async replay(id: string): Promise<DeliveryDetail> {
    await this.row(id);
    const changed = await this.requeue([id], undefined);
    if (changed === 0) throw errors.conflict('delivery_not_replayable', '只有失败（死信）的投递可以重新投递');
    return this.get(id);
  }

  /** Puts back every dead delivery of `destination` and/or the given ids; returns how many. */
  async replayMany(filter: { destination?: string; ids?: string[] }): Promise<{ replayed: number }> {
    if (filter.destination === undefined && (filter.ids === undefined || filter.ids.length === 0)) {
      throw errors.validation([
        { pointer: '', code: 'required', message: '请指定目标系统（destination）或投递编号（ids）' },
      ]);
    }
    return { replayed: await this.requeue(filter.ids, filter.destination) };
  }

  async stats(): Promise<DeliveryStats> {
    const now = this.now();
    const grouped = await this.db
      .selectFrom('deliveries')
      .select((eb) => [
        'destination',
        'status',
        eb.fn.countAll().as('n'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .groupBy(['destination', 'status'])
      .execute();
    const breakers = this.options.breakerStates?.() ?? {};
    const byDestination = new Map<string, DestinationStats>();
    const entry = (destination: string) => {
      let e = byDestination.get(destination);
      if (!e) {
        e = {
          destination,
          counts: { pending: 0, delivered: 0, refused: 0, dead: 0 },
          oldestPendingAgeMs: null,
          breaker: breakers[destination] ?? 'closed',
        };
        byDestination.set(destination, e);
      }
      return e;
    };
    for (const g of grouped) {
      const e = entry(g.destination);
      if (!STATUSES.includes(g.status)) continue;
      e.counts[g.status] = Number(g.n);
      if (g.status === 'pending') e.oldestPendingAgeMs = Math.max(0, now - Number(g.oldest));
    }
    for (const destination of Object.keys(breakers)) entry(destination);
    const outbox = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('status', 'in', ['pending', 'dead'])
      .groupBy('status')
      .execute();
    const pending = outbox.find((o) => o.status === 'pending');
    return {
      destinations: [...byDestination.values()].sort((a, b) => a.destination.localeCompare(b.destination)),
      outbox: {
        unrouted: Number(pending?.n ?? 0),
        dead: Number(outbox.find((o) => o.status === 'dead')?.n ?? 0),
        oldestUnroutedAgeMs: pending ? Math.max(0, now - Number(pending.oldest)) : null,
      },
    };
  }

  private async requeue(ids: string[] | undefined, destination: string | undefined): Promise<number> {
    if (ids?.some((id) => !ID.test(id))) {
      throw errors.validation([{ pointer: '/ids', code: 'invalid_id', message: '投递编号格式不正确' }]);
    }
    const now = this.now();
    const result = await this.db
      .updateTable('deliveries')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_owner: null,
        lease_until: null,
        finished_at: null,
        updated_at: now,
      })
      .where('status', '=', 'dead')
      .$if(ids !== undefined && ids.length > 0, (q) => q.where('id', 'in', ids!))
      .$if(destination !== undefined, (q) => q.where('destination', '=', destination!))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  private async row(id: string): Promise<DeliveryRow> {
    if (!ID.test(id)) throw notFound();
    const row = await this.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function isLeased(row: DeliveryRow, now: number): boolean {
  return row.lease_owner !== null && Number(row.lease_until) > now;
}

function edits(row: DeliveryRow): DeliveryEdit[] {
  return row.edits ? (JSON.parse(row.edits) as DeliveryEdit[]) : [];
}
