import { sql } from 'kysely';
import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';
import { GENESIS_HASH } from './audit-chain';

/**
 * The tamper-evident audit log (等保 8.1.4.3). `audit_log` is append-only: the product has no path that
 * updates or deletes it, and in production the gateway's database user should hold only INSERT and
 * SELECT on `audit_log` and `audit_checkpoints` (UPDATE on `audit_head` alone). Times are epoch ms.
 *
 * `audit_head` is one row (id 1) holding the last seq and hash. Every append locks it first, so seqs
 * are gapless and the chain is linear across any number of gateway instances.
 */
export const auditMigrations: Migrations = {
  '2026112730_audit': {
    async up(db) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('id', 'varchar(36)', (c) => c.notNull().unique())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('action', 'varchar(64)', (c) => c.notNull())
        .addColumn('object_type', 'varchar(64)')
        .addColumn('object_id', 'varchar(128)')
        .addColumn('result', 'varchar(16)', (c) => c.notNull())
        .addColumn('ip', 'varchar(64)')
        .addColumn('request_id', 'varchar(128)')
        .addColumn('details', longText)
        .addColumn('prev_hash', 'char(64)', (c) => c.notNull())
        .addColumn('hash', 'char(64)', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      // The audit admin's filters (list): by time, by actor, by action; newest first by seq.
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'seq']).execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();

      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'char(64)', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);

      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('hash', 'char(64)', (c) => c.notNull())
        .addColumn('signed_at', 'bigint', (c) => c.notNull())
        .addColumn('signature', 'varchar(200)', (c) => c.notNull())
        .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  // Named after every migration that existed when it was added: Kysely refuses a migration sorted
  // before one a database has already run.
  '2026112799_audit_archives': {
    async up(db) {
      // Prefixes of the chain moved to archive files (housekeeping.audit-archive). Each ends at a signed
      // checkpoint; verification starts after the newest one, linking to its `last_hash`. `purged_at` is
      // set once the archived rows are gone from `audit_log` (deleted in batches after the file verified).
      await db.schema
        .createTable('audit_archives')
        .addColumn('from_seq', 'bigint', (c) => c.primaryKey())
        .addColumn('to_seq', 'bigint', (c) => c.notNull().unique())
        .addColumn('prev_hash', 'char(64)', (c) => c.notNull())
        .addColumn('last_hash', 'char(64)', (c) => c.notNull())
        .addColumn('file', 'varchar(255)', (c) => c.notNull())
        .addColumn('sm3', 'char(64)', (c) => c.notNull())
        .addColumn('row_count', 'bigint', (c) => c.notNull())
        .addColumn('archived_at', 'bigint', (c) => c.notNull())
        .addColumn('purged_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};
