/**
 * Test support: a migrated audit database on the dialect the environment selects, entry factories,
 * and the tampering an attacker with database access could do (raw SQL, bypassing AuditLog).
 */
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/test-env';
import { createDatabase, type Database, type Db } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { auditMigrations } from '../audit.migrations';
import type { AuditEntry } from '../audit.types';
import { type AuditLogRow, chainHash, GENESIS_HASH } from '../audit-chain';
import { AuditLog, type AuditLogOptions, auditTables } from '../audit-log';

export interface AuditTestDb {
  env: TestEnv;
  database: Database;
  db: Db;
  log: AuditLog;
  close(): Promise<void>;
}

export async function openAuditTestDb(options: AuditLogOptions = {}): Promise<AuditTestDb> {
  const env = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(database.db, auditMigrations);
  return {
    env,
    database,
    db: database.db,
    log: new AuditLog(database.db, options),
    close: async () => {
      await database.close();
      await env.cleanup();
    },
  };
}

export function staffEntry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actorType: 'staff',
    actorId: `s-${i % 7}`,
    action: i % 3 === 0 ? 'role.grant' : 'case.decide',
    objectType: 'case',
    objectId: `case-${i}`,
    result: 'success',
    ip: '10.0.0.1',
    requestId: `req-${i}`,
    details: { n: i, phone: '138****5678' },
    ...overrides,
  };
}

/** Empties the log and its checkpoints and resets the head (only tests do this). */
export async function resetAudit(db: Db): Promise<void> {
  await sql`delete from audit_log`.execute(db);
  await sql`delete from audit_checkpoints`.execute(db);
  await sql`update audit_head set seq = 0, hash = ${GENESIS_HASH} where id = 1`.execute(db);
}

export async function readRows(db: Db): Promise<AuditLogRow[]> {
  const rows = await auditTables(db).selectFrom('audit_log').selectAll().orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

export const tamper = {
  async edit(db: Db, seq: number, column: keyof AuditLogRow, value: string | number | null): Promise<void> {
    await sql`update audit_log set ${sql.ref(column)} = ${value} where seq = ${seq}`.execute(db);
  },

  async delete(db: Db, seq: number): Promise<void> {
    await sql`delete from audit_log where seq = ${seq}`.execute(db);
  },

  /** Swaps the seqs of two rows (a reorder). */
  async swap(db: Db, a: number, b: number): Promise<void> {
    await sql`update audit_log set seq = ${-1} where seq = ${a}`.execute(db);
    await sql`update audit_log set seq = ${a} where seq = ${b}`.execute(db);
    await sql`update audit_log set seq = ${b} where seq = ${-1}`.execute(db);
  },

  /**
   * Inserts a forged row at `seq`, hashed and linked to the row before it as the writer would, moving
   * every later row up by one and the head with them (a careful forger). At the end of the log
   * (`seq` = head + 1) the head is left alone unless `moveHead`.
   */
  async insert(db: Db, seq: number, moveHead = true): Promise<void> {
    const rows = await readRows(db);
    for (const row of [...rows].reverse()) {
      if (row.seq >= seq)
        await sql`update audit_log set seq = ${row.seq + 1} where seq = ${row.seq}`.execute(db);
    }
    const prev = rows.find((r) => r.seq === seq - 1)?.hash ?? GENESIS_HASH;
    const body = {
      seq,
      id: '00000000-0000-4000-8000-000000000000',
      at: 1_780_000_000_000,
      actor_type: 'admin',
      actor_id: 'intruder',
      action: 'role.grant',
      object_type: null,
      object_id: null,
      result: 'success',
      ip: null,
      request_id: null,
      details: null,
    };
    await auditTables(db)
      .insertInto('audit_log')
      .values({ ...body, prev_hash: prev, hash: chainHash(prev, body) })
      .execute();
    if (moveHead) await sql`update audit_head set seq = seq + 1 where id = 1`.execute(db);
  },
};
