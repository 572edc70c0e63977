/**
 * Test plumbing shared by gateway unit tests and the cross-package suites in tests/. The dialect
 * follows the environment: DATABASE_URL=mysql://… (and REDIS_URL) run everything on MySQL + Redis,
 * otherwise SQLite + in-process. Each call gets its own database and key prefix, so files can run
 * in parallel against one MariaDB and one Redis.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, loadConfig } from '@gcrm/config';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

export const dialect: 'mysql' | 'sqlite' = process.env.DATABASE_URL?.startsWith('mysql://')
  ? 'mysql'
  : 'sqlite';
export const redisUrl = process.env.REDIS_URL || undefined;

export interface TestEnv {
  env: Record<string, string>;
  config: AppConfig;
  redisPrefix: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh database (file or MySQL schema), data dir and Redis prefix; `extra` overrides any variable. */
export async function createTestEnv(extra: Record<string, string> = {}): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'gcrm-test-'));
  let databaseUrl = `sqlite:${join(dataDir, 'test.sqlite')}`;
  let dropDatabase = async () => {};
  if (dialect === 'mysql') {
    const base = new URL(process.env.DATABASE_URL!);
    const name = `gcrm_t_${id}`;
    const admin = await createConnection({
      host: base.hostname,
      port: Number(base.port || 3306),
      user: decodeURIComponent(base.username),
      password: decodeURIComponent(base.password),
    });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.end();
    base.pathname = `/${name}`;
    databaseUrl = base.toString();
    dropDatabase = async () => {
      const c = await createConnection({
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username),
        password: decodeURIComponent(base.password),
      });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    };
  }
  const redisPrefix = `gcrm-test:${id}:`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_PER_MINUTE: '100000',
    DEMO_DATA: 'false',
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...extra,
  };
  return {
    env,
    config: loadConfig(env),
    redisPrefix,
    dataDir,
    cleanup: async () => {
      await dropDatabase();
      if (redisUrl) await deleteRedisPrefix(redisUrl, redisPrefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
