import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/**
 * The profile's own tables (issue 9). Not registered in gateway.ts yet: tests run these after
 * `rulesMigrations`, which creates `citizen_profile`. Every person key is `id_index`, the blind index
 * of the ID number (see {@link profileIdIndex}); no table holds an ID number.
 *
 * - `profile_values`: one row per (person, fact, source) observation with its lineage; `status` is
 *   `chosen` / `overridden` / `excluded` (consent); a changed observation supersedes the old row.
 * - `profile_conflicts`: facts on which sources disagree, for a person to look at.
 * - `profile_consents`: per person, source and purpose, granted or revoked.
 * - `life_events`: the timeline, keyed by a dedupe key so a replayed change is recorded once.
 * - `profile_sync_cursors`: the stored change-feed cursor of each source.
 */
export const profileMigrations: Migrations = {
  '2026120201_profile_values': {
    async up(db) {
      await db.schema
        .createTable('profile_values')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('fact', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'varchar(32)', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('reason', 'varchar(32)')
        .addColumn('source_record_id', 'varchar(128)')
        .addColumn('observed_at', 'varchar(10)', (c) => c.notNull())
        .addColumn('superseded', 'smallint', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('profile_values_person')
        .on('profile_values')
        .columns(['id_index', 'superseded'])
        .execute();
    },
  },
  '2026120202_profile_conflicts': {
    async up(db) {
      await db.schema
        .createTable('profile_conflicts')
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('fact', 'varchar(64)', (c) => c.notNull())
        .addColumn('chosen_source', 'varchar(32)', (c) => c.notNull())
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('detected_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('profile_conflicts_pk', ['id_index', 'fact'])
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026120203_profile_consents': {
    async up(db) {
      await db.schema
        .createTable('profile_consents')
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'varchar(32)', (c) => c.notNull())
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('granted_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addPrimaryKeyConstraint('profile_consents_pk', ['id_index', 'source', 'purpose'])
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026120204_profile_life_events': {
    async up(db) {
      await db.schema
        .createTable('life_events')
        .addColumn('dedupe_key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('at', 'varchar(10)', (c) => c.notNull())
        .addColumn('source', 'varchar(32)', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('life_events_person')
        .on('life_events')
        .columns(['id_index', 'at'])
        .execute();
    },
  },
  '2026120205_profile_sync_cursors': {
    async up(db) {
      await db.schema
        .createTable('profile_sync_cursors')
        .addColumn('source', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('cursor', 'varchar(255)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026120206_profile_real_names': {
    async up(db) {
      // 实名认证: which citizen account is which person. Name and ID number SM4-encrypted (bound to the
      // citizen's row); the person key is the profile's blind index, unique: one account per person.
      await db.schema
        .createTable('citizen_real_names')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('id_number_ct', 'varchar(160)', (c) => c.notNull())
        .addColumn('name_ct', 'varchar(200)', (c) => c.notNull())
        .addColumn('verified_by', 'varchar(32)', (c) => c.notNull())
        .addColumn('verified_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};
