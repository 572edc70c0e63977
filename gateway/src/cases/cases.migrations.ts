import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

export const casesMigrations: Migrations = {
  '2026112703_cases': {
    async up(db) {
      await db.schema
        .createTable('cases')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('case_number', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('service_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('service_version', 'integer', (c) => c.notNull())
        .addColumn('channel', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('form_data', longText, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('cases_citizen_created')
        .on('cases')
        .columns(['citizen_id', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('case_events')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('from_status', 'varchar(32)')
        .addColumn('to_status', 'varchar(32)')
        .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('note', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('case_events_case')
        .on('case_events')
        .columns(['case_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('idem_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('request_hash', 'char(64)', (c) => c.notNull())
        .addColumn('response_status', 'integer', (c) => c.notNull())
        .addColumn('response_body', longText, (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['citizen_id', 'idem_key'])
        .modifyEnd(tableEnd(db))
        .execute();

      await db.schema
        .createTable('case_number_blocks')
        .addColumn('day', 'varchar(8)', (c) => c.primaryKey())
        .addColumn('next_value', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026112705_cases_form_version': {
    async up(db) {
      // A case is always shown with the form version it was submitted with.
      await db.schema.alterTable('cases').addColumn('form_id', 'varchar(64)').execute();
      await db.schema.alterTable('cases').addColumn('form_version', 'integer').execute();
    },
  },
  '2026112706_drafts': {
    async up(db) {
      await db.schema
        .createTable('case_drafts')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('service_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('form_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('form_version', 'integer', (c) => c.notNull())
        .addColumn('channel', 'varchar(16)', (c) => c.notNull())
        .addColumn('form_data', longText, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_drafts_pk', ['citizen_id', 'service_code'])
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026112741_case_pii_index': {
    async up(db) {
      // Keyed SM3 digests of the ID and phone numbers of a case: exact-match search, nothing to decrypt.
      await db.schema
        .createTable('case_pii_index')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('digest', 'varchar(64)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('field', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('case_pii_index_pk', ['kind', 'digest', 'case_id', 'field'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('case_pii_index_case').on('case_pii_index').columns(['case_id']).execute();
    },
  },
  '2026112810_case_aftercare': {
    async up(db) {
      // 结果领取方式: one row per case, replaced while the case is open. The mailing phone and street
      // address are sealed (FieldCipher, bound to this table, the column and the case id).
      await db.schema
        .createTable('case_deliveries')
        .addColumn('case_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('method', 'varchar(16)', (c) => c.notNull())
        .addColumn('site_id', 'varchar(64)')
        .addColumn('recipient', 'varchar(64)')
        .addColumn('phone', 'varchar(255)')
        .addColumn('region', 'varchar(6)')
        .addColumn('detail', 'text')
        .addColumn('chosen_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('case_deliveries_citizen')
        .on('case_deliveries')
        .columns(['citizen_id'])
        .execute();
      // 好差评: at most one rating per case (the primary key answers a concurrent second one), credited
      // to the department that led the case when it was rated.
      await db.schema
        .createTable('case_ratings')
        .addColumn('case_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('department', 'varchar(64)')
        .addColumn('score', 'integer', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('comment', 'text')
        .addColumn('rated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('case_ratings_citizen')
        .on('case_ratings')
        .columns(['citizen_id'])
        .execute();
      // The dashboard counts a department's ratings of a period by score: one index range.
      await db.schema
        .createIndex('case_ratings_department')
        .on('case_ratings')
        .columns(['department', 'rated_at', 'score'])
        .execute();
    },
  },
};
