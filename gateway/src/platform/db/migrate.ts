/**
 * Versioned migrations, run at start-up. Each context exports its own `migrations` record; names
 * start with a sortable date-and-sequence so that the merged list has one global order
 * (e.g. `2026112701_identity_citizens`). Kysely's migrator takes a database lock, so several
 * instances starting together migrate once.
 */
import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { type Db, isMysql } from './database';

export type Migrations = Record<string, Migration>;

export async function migrate(db: Db, ...sets: Migrations[]): Promise<string[]> {
  const all: Migrations = {};
  for (const set of sets) {
    for (const [name, migration] of Object.entries(set)) {
      if (all[name]) throw new Error(`duplicate migration name ${name}`);
      all[name] = migration;
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => all };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Table options: InnoDB with utf8mb4 on MySQL (MariaDB still defaults to latin1); nothing on SQLite. */
export function tableEnd(db: Db) {
  return isMysql(db) ? sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin` : sql``;
}

/** A text column for documents up to 16 MiB: MEDIUMTEXT on MySQL, TEXT affinity on SQLite. */
export const longText = sql`mediumtext`;
