import { createTestEnv, type TestEnv } from '../../../test/test-env';
import { createDatabase, type Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { PROFILE_TABLE, type ProfileRow, toProfileRow } from '../profile-table';
import { rulesMigrations } from '../rules.migrations';

/** A fresh database of the test dialect (SQLite, or MariaDB under `npm run test:mysql`) with the rules tables. */
export async function openRulesDb(): Promise<{ database: Database; close(): Promise<void> }> {
  const env: TestEnv = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(database.db, rulesMigrations);
  return {
    database,
    close: async () => {
      await database.close();
      await env.cleanup();
    },
  };
}

/** Replaces the profile table's rows. */
export async function loadProfiles(database: Database, rows: readonly ProfileRow[]): Promise<void> {
  await database.db.deleteFrom(PROFILE_TABLE).execute();
  for (let i = 0; i < rows.length; i += 200) {
    const batch = rows.slice(i, i + 200).map((r) => toProfileRow({ updated_at: 0, ...r }));
    if (batch.length > 0) await database.db.insertInto(PROFILE_TABLE).values(batch).execute();
  }
}
