/**
 * The storage port: one Kysely instance over SQLite (embedded default) or MySQL/MariaDB/TiDB.
 * Contexts narrow it to their own tables with `db.withTables<…>()`-style casts in their repository;
 * queries are written once and run on both dialects.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { DatabaseConfig } from '@gcrm/config';
import SQLite from 'better-sqlite3';
import { Kysely, MysqlAdapter, MysqlDialect, SqliteDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { cachingSqlite, preparingPool } from './fast-drivers';

// biome-ignore lint/suspicious/noExplicitAny: the platform knows no context's tables; repositories narrow it.
export type Db = Kysely<any>;

export interface Database {
  db: Db;
  kind: 'sqlite' | 'mysql';
  /** Verifies the database answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function isMysql(db: Db): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter;
}

export function createDatabase(config: DatabaseConfig): Database {
  if (config.kind === 'mysql') {
    const url = new URL(config.url);
    const pool = createPool({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, ''),
      connectionLimit: config.poolSize,
      charset: 'utf8mb4_bin',
      // Timestamps are stored as epoch milliseconds (BIGINT); no driver-side date conversion.
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      enableKeepAlive: true,
      // SqlBatch sends a group commit's writes as one multi-statement text query (escaped by the driver).
      multipleStatements: true,
    });
    const db: Db = new Kysely({ dialect: new MysqlDialect({ pool: preparingPool(pool) as never }) });
    return {
      db,
      kind: 'mysql',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
  const sqlite = new SQLite(config.file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable against a killed process (the WAL is in the OS cache); only power loss can cost the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // 64 MiB page cache (default 2 MiB): the hot indexes of an embedded deployment stay in memory.
  sqlite.pragma('cache_size = -65536');
  // MySQL's CRC32() and BIT_XOR() (reconciliation checksums, gateway/src/reconcile/checksum.ts).
  sqlite.function('crc32', { deterministic: true }, (value: unknown) =>
    value === null ? null : crc32(String(value)),
  );
  sqlite.aggregate('bit_xor', {
    start: 0,
    step: (acc: number, value: unknown) => (value === null ? acc : (acc ^ Number(value)) >>> 0),
  });
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database: cachingSqlite(sqlite) as never }) });
  return {
    db,
    kind: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}
