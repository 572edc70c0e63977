import { sql } from 'kysely';
import { isMysql } from '../platform/db/database';
import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';
import { PROFILE_COLUMNS, PROFILE_TABLE } from './profile-table';

// Not registered in gateway.ts yet: tests run these migrations on their own database.
export const rulesMigrations: Migrations = {
  '2026120101_rules_rule_sets': {
    async up(db) {
      await db.schema
        .createTable('rule_sets')
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('definition', longText, (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('published_at', 'bigint')
        .addColumn('published_by', 'varchar(64)')
        .addPrimaryKeyConstraint('rule_sets_pk', ['code', 'version'])
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
  '2026120102_rules_citizen_profile': {
    async up(db) {
      // Text must compare byte for byte with trailing spaces significant, as in JavaScript: MariaDB and
      // MySQL's binary collations pad with spaces, their NO PAD ones do not.
      let text = sql`varchar(64)`;
      // SQLite gives a column declared DATE numeric affinity; TEXT keeps `YYYY-MM-DD` as written.
      let date = sql`text`;
      if (isMysql(db)) {
        date = sql`date`;
        const { rows } = await sql<{ v: string }>`select version() as v`.execute(db);
        const collation = rows[0]?.v.includes('MariaDB') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
        text = sql`varchar(64) character set utf8mb4 collate ${sql.raw(collation)}`;
      }
      const types = { integer: sql`bigint`, text, boolean: sql`smallint`, date };
      let table = db.schema
        .createTable(PROFILE_TABLE)
        .addColumn('id_index', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('updated_at', 'bigint', (c) => c.notNull());
      for (const { column, kind } of PROFILE_COLUMNS) table = table.addColumn(column, types[kind]);
      await table.modifyEnd(tableEnd(db)).execute();
      for (const column of ['birth_date', 'household_region', 'social_insurance_years']) {
        await db.schema.createIndex(`${PROFILE_TABLE}_${column}`).on(PROFILE_TABLE).column(column).execute();
      }
    },
  },
  '2026120103_rules_rule_targets': {
    async up(db) {
      // Who each published eligibility rule set selects (targeting.ts). `matched_at` is the marker of the
      // run that found the match, so that a caller can page through one run's new targets.
      await db.schema
        .createTable('rule_targets')
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('matched_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_targets_pk', ['code', 'id_index'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('rule_targets_code_matched_at')
        .on('rule_targets')
        .columns(['code', 'matched_at'])
        .execute();
    },
  },
};
