import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

export interface NotificationTables {
  /** A citizen's channel choice (absent: WeChat). */
  notification_settings: {
    citizen_id: string;
    channel: 'wechat' | 'sms';
    updated_at: number;
  };
  /** One-time subscribe-message allowances per (citizen, template) and the last answer given. */
  notification_consents: {
    citizen_id: string;
    template_id: string;
    remaining: number;
    /** `accept` / `reject` / `ban` / `filter` / `used_up` (WeChat answered 43101). */
    last_status: string | null;
    updated_at: number;
  };
  /**
   * Every change to an allowance, keyed so that a retried report, push or plan changes it once:
   * `client:<uuid>:<tmpl>` (the mini-program's report), `push:<inbox id>:<tmpl>` (a push event),
   * `use:<delivery key>` (a send planned).
   */
  notification_consent_ledger: {
    id: string;
    citizen_id: string;
    template_id: string;
    source: 'client' | 'push' | 'use';
    status: string;
    delta: number;
    /** 1 when a client report and a push event were found to be the same consent. */
    matched: number;
    created_at: number;
  };
}

export const notificationMigrations: Migrations = {
  '2026112792_notifications': {
    async up(db) {
      await db.schema
        .createTable('notification_settings')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('channel', 'varchar(8)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createTable('notification_consents')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('template_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('remaining', 'integer', (c) => c.notNull())
        .addColumn('last_status', 'varchar(16)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_consents_pk', ['citizen_id', 'template_id'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createTable('notification_consent_ledger')
        .addColumn('id', 'varchar(191)', (c) => c.primaryKey())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('template_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'varchar(8)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('delta', 'integer', (c) => c.notNull())
        .addColumn('matched', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('notification_consent_ledger_match')
        .on('notification_consent_ledger')
        .columns(['citizen_id', 'template_id', 'source', 'matched', 'created_at'])
        .execute();
    },
  },
};
