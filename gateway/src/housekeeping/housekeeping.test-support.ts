/** Test support: a database migrated with every table housekeeping sweeps, and a job context to drive runs. */
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/test-env';
import { auditMigrations } from '../audit';
import { inboxMigrations } from '../callbacks';
import { casesMigrations } from '../cases';
import { deliveryMigrations } from '../delivery';
import { identityMigrations, staffAuthMigrations } from '../identity';
import { materialsMigrations } from '../materials';
import { createDatabase, type Database, type Db } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { outboxMigrations } from '../platform/outbox/outbox';
import { rightsMigrations } from '../rights';
import { schedulerMigrations } from '../scheduler';
import type { JobContext } from '../scheduler/job';

export interface HousekeepingTestDb {
  env: TestEnv;
  database: Database;
  db: Db;
  close(): Promise<void>;
}

export async function openHousekeepingTestDb(): Promise<HousekeepingTestDb> {
  const env = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(
    database.db,
    outboxMigrations,
    identityMigrations,
    casesMigrations,
    materialsMigrations,
    staffAuthMigrations,
    auditMigrations,
    rightsMigrations,
    schedulerMigrations,
    deliveryMigrations,
    inboxMigrations,
  );
  return {
    env,
    database,
    db: database.db,
    close: async () => {
      await database.close();
      await env.cleanup();
    },
  };
}

export interface TestContext extends JobContext {
  controller: AbortController;
  progressed: { counts?: Record<string, number>; checkpoint?: string | null }[];
}

/** A job context; `abortAfter` aborts the run's signal once that many batches were reported. */
export function jobContext(checkpoint: string | null = null, abortAfter?: number): TestContext {
  const controller = new AbortController();
  const progressed: TestContext['progressed'] = [];
  return {
    runId: 'run-test',
    signal: controller.signal,
    checkpoint,
    reason: 'manual',
    controller,
    progressed,
    progress: async (update) => {
      progressed.push(structuredClone(update));
      if (abortAfter !== undefined && progressed.length >= abortAfter) controller.abort();
    },
  };
}

export async function count(db: Db, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]!.n);
}

export async function ids(db: Db, table: string, column = 'id'): Promise<string[]> {
  const r = await sql<{
    v: string;
  }>`select ${sql.ref(column)} as v from ${sql.table(table)} order by 1`.execute(db);
  return r.rows.map((row) => String(row.v));
}
