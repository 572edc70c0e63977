import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';
import type { OutboxTable } from '../platform/outbox/outbox';

export interface DeliveryTables extends OutboxTable {
  deliveries: {
    id: string;
    outbox_id: string | null;
    parent_id: string | null;
    route: string;
    topic: string;
    destination: string;
    delivery_key: string;
    order_key: string;
    /** The outbox message's `created_at`: compared with the routing watermark. */
    order_at: number;
    /** `created_at:outboxId:item[/fallback]`, text that sorts in message order. */
    order_seq: string;
    payload: string;
    status: 'pending' | 'delivered' | 'refused' | 'dead';
    attempts: number;
    next_attempt_at: number;
    lease_owner: string | null;
    lease_until: number | null;
    last_error: string | null;
    reference: string | null;
    /** JSON array of payload edits `{at, by, previous}` (admin fixes), newest last. */
    edits: string | null;
    created_at: number;
    updated_at: number;
    finished_at: number | null;
  };
}

export type DeliveryRow = DeliveryTables['deliveries'];

export const deliveryMigrations: Migrations = {
  '2026112791_delivery_deliveries': {
    async up(db) {
      await db.schema
        .createTable('deliveries')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('outbox_id', 'varchar(36)')
        .addColumn('parent_id', 'varchar(36)')
        .addColumn('route', 'varchar(64)', (c) => c.notNull())
        .addColumn('topic', 'varchar(64)', (c) => c.notNull())
        .addColumn('destination', 'varchar(64)', (c) => c.notNull())
        .addColumn('delivery_key', 'varchar(191)', (c) => c.notNull())
        .addColumn('order_key', 'varchar(191)', (c) => c.notNull())
        .addColumn('order_at', 'bigint', (c) => c.notNull())
        .addColumn('order_seq', 'varchar(96)', (c) => c.notNull())
        .addColumn('payload', longText, (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(80)')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'varchar(500)')
        .addColumn('reference', 'varchar(191)')
        .addColumn('edits', longText)
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('deliveries_key')
        .on('deliveries')
        .columns(['destination', 'delivery_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('deliveries_due')
        .on('deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      // The ordering check: is an earlier delivery of this (destination, orderKey) still pending?
      await db.schema
        .createIndex('deliveries_order')
        .on('deliveries')
        .columns(['destination', 'order_key', 'status', 'order_seq'])
        .execute();
      await db.schema.createIndex('deliveries_admin').on('deliveries').columns(['status', 'id']).execute();
    },
  },
  '2026112792_delivery_claim_index': {
    async up(db) {
      // The claim reads pending rows in sending order and stops at its limit: without this index it
      // read every pending row and sorted them (tens of ms per claim with a few thousand pending).
      await db.schema
        .createIndex('deliveries_claim')
        .on('deliveries')
        .columns(['status', 'order_seq'])
        .execute();
    },
  },
};
