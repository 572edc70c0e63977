import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

/**
 * `callback_inbox`: one row per inbound platform event, unique per (source, dedupe_key), so that a
 * redelivered event is acknowledged without being applied again.
 */
export const inboxMigrations: Migrations = {
  '2026112790_callbacks_inbox': {
    async up(db) {
      await db.schema
        .createTable('callback_inbox')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('source', 'varchar(64)', (c) => c.notNull())
        .addColumn('dedupe_key', 'varchar(191)', (c) => c.notNull())
        .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('payload', longText, (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(36)')
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'varchar(200)')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('processed_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('callback_inbox_event')
        .on('callback_inbox')
        .columns(['source', 'dedupe_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('callback_inbox_due')
        .on('callback_inbox')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('callback_inbox_received')
        .on('callback_inbox')
        .columns(['received_at', 'id'])
        .execute();
    },
  },
};
