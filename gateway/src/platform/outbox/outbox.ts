/**
 * The transactional outbox: a context writes its outgoing messages in the same transaction as the
 * change they announce, so a message exists exactly when its change does. Delivery (dispatcher,
 * retries, dead letters) reads this table; `dedupeKey` is passed on to connectors so that an
 * at-least-once delivery has its effect once.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/database';
import { insertStatement } from '../db/insert-statement';
import type { Migrations } from '../db/migrate';
import { longText, tableEnd } from '../db/migrate';
import type { SqlBatch } from '../db/sql-batch';
import type { Tx } from '../db/transaction';
import { orderedId } from './ordered-id';

export interface OutboxMessage {
  topic: string;
  aggregateType: string;
  aggregateId: string;
  /** Unique per effect: a second message with the same key is a programming error, not a retry. */
  dedupeKey: string;
  /** Must not hold ID or phone numbers: consumers fetch what they need by id. */
  payload: Record<string, unknown>;
}

export interface OutboxTable {
  outbox: {
    id: string;
    topic: string;
    aggregate_type: string;
    aggregate_id: string;
    dedupe_key: string;
    payload: string;
    /**
     * `pending` until the delivery router has turned it into deliveries (`routed`); `dead` when no
     * route could plan it. (`delivered` is kept for rows written before the router existed.)
     */
    status: 'pending' | 'routed' | 'delivered' | 'dead';
    /** Routing attempts that failed. */
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    created_at: number;
    /** The router instance and claim that holds the row, until `lease_until` (epoch ms). */
    lease_owner: string | null;
    lease_until: number | null;
  };
}

type OutboxRow = Omit<OutboxTable['outbox'], 'lease_owner' | 'lease_until'>;

/** Writes outbox messages inside the caller's transaction. */
export class OutboxWriter {
  private readonly insert;
  constructor(db: Db) {
    this.insert = insertStatement<OutboxRow>(db, 'outbox', [
      'id',
      'topic',
      'aggregate_type',
      'aggregate_id',
      'dedupe_key',
      'payload',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'created_at',
    ]);
  }

  /** Adds the messages' insert to a batch of the caller's transaction (group-commit writers). */
  enqueueInto(batch: SqlBatch, tx: Tx, messages: OutboxMessage[], now: number): void {
    const rows = this.rows(messages, now);
    for (let i = 0; i < rows.length; i += 200) {
      batch.add((tx as unknown as Kysely<OutboxTable>).insertInto('outbox').values(rows.slice(i, i + 200)));
    }
  }

  /** Writes the messages in the caller's transaction; returns their ids. */
  async enqueueAll(tx: Tx, messages: OutboxMessage[], now: number): Promise<string[]> {
    const rows = this.rows(messages, now);
    if (rows.length === 1) await this.insert(tx, rows[0]!);
    else if (rows.length > 1)
      await (tx as unknown as Kysely<OutboxTable>).insertInto('outbox').values(rows).execute();
    return rows.map((r) => r.id);
  }

  private rows(messages: OutboxMessage[], now: number): OutboxRow[] {
    // Time-ordered ids: messages of one transaction share `created_at`, and their order matters.
    return messages.map((message) => ({
      id: orderedId(),
      topic: message.topic,
      aggregate_type: message.aggregateType,
      aggregate_id: message.aggregateId,
      dedupe_key: message.dedupeKey,
      payload: JSON.stringify(message.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      last_error: null,
      created_at: now,
    }));
  }
}

export const outboxMigrations: Migrations = {
  '2026112700_platform_outbox': {
    async up(db) {
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('topic', 'varchar(64)', (c) => c.notNull())
        .addColumn('aggregate_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('aggregate_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('dedupe_key', 'varchar(191)', (c) => c.notNull().unique())
        .addColumn('payload', longText, (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createIndex('outbox_aggregate')
        .on('outbox')
        .columns(['aggregate_type', 'aggregate_id'])
        .execute();
    },
  },
  '2026112790_platform_outbox_lease': {
    async up(db) {
      await db.schema.alterTable('outbox').addColumn('lease_owner', 'varchar(80)').execute();
      await db.schema.alterTable('outbox').addColumn('lease_until', 'bigint').execute();
      // The dispatcher's routing watermark: the oldest message not yet routed.
      await db.schema.createIndex('outbox_unrouted').on('outbox').columns(['status', 'created_at']).execute();
    },
  },
};
