import { sql } from 'kysely';
import type { Migrations } from '../platform/db/migrate';
import { RECONCILE_BUCKETS } from './checksum';

/**
 * OA reconciliation columns on `integration_links` (run after `integrationMigrations`):
 * - `external_state`: the state the OA document should be in as our side knows it: `running` after
 *   the push, the OA's final state once its result is applied here, or the state a reconcile run
 *   handed to a person (so that it is reported once);
 * - `reconcile_bucket`: `CRC32(external_id) mod 4096`, with the index that serves both the checksum
 *   scan and the keyset listing of one bucket.
 * Existing links are backfilled (`crc32` is MySQL's, registered on SQLite connections). Part of
 * `integrationMigrations` (links.ts), so that `IntegrationLinks.record` always finds the columns.
 */
export const oaReconcileMigrations: Migrations = {
  '2026112797_reconcile_oa_links': {
    async up(db) {
      await db.schema
        .alterTable('integration_links')
        .addColumn('external_state', 'varchar(16)', (c) => c.notNull().defaultTo('running'))
        .execute();
      await db.schema
        .alterTable('integration_links')
        .addColumn('reconcile_bucket', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update integration_links set reconcile_bucket = crc32(external_id) % ${sql.lit(RECONCILE_BUCKETS)}`.execute(
        db,
      );
      await db.schema
        .createIndex('integration_links_bucket')
        .on('integration_links')
        .columns(['kind', 'reconcile_bucket', 'external_id', 'external_state'])
        .execute();
    },
  },
};
