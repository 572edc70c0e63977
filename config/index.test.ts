import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SANDBOX_WECHAT } from './index';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('runs embedded with defaults: SQLite under ./data, in-process cache, WeChat simulator', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', file: '/srv/app/data/gcrm.sqlite' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.wechat).toEqual({ ...SANDBOX_WECHAT, apiBase: undefined });
    expect(config.embedded).toBe(true);
    expect(config.demoData).toBe(true);
  });

  it('takes environment overrides, coerced to their types', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DATABASE_URL: 'mysql://u:p@db:3306/gcrm',
        REDIS_URL: 'redis://cache:6379/1',
        TRUST_PROXY: 'true',
        DEMO_DATA: 'false',
      },
      '/srv/app',
    );
    expect(config.port).toBe(8080);
    expect(config.database).toEqual({ kind: 'mysql', url: 'mysql://u:p@db:3306/gcrm', poolSize: 20 });
    expect(config.redisUrl).toBe('redis://cache:6379/1');
    expect(config.http.trustProxy).toBe(true);
    expect(config.demoData).toBe(false);
  });

  it('names every bad key in one error', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'postgres://x',
      REDIS_URL: 'localhost',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL']),
    );
    expect(problems).toHaveLength(4);
  });

  it('requires real credentials and keys in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'AUDIT_SM2_PRIVATE_KEY',
      'CRYPTO_MASTER_KEY',
      'DATABASE_URL',
      'JWT_KEY_ID',
      'JWT_PRIVATE_KEY',
      'WECHAT_APP_ID',
      'WECHAT_APP_SECRET',
    ]);
  });

  it('never starts the simulator in production: the API base defaults to WeChat', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'mysql://u@db/gcrm',
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: '0123456789abcdef0123456789abcdef',
        JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
        JWT_KEY_ID: '2026-11',
        CRYPTO_MASTER_KEY: 'ab'.repeat(32),
        AUDIT_SM2_PRIVATE_KEY: 'cd'.repeat(32),
      },
      '/srv/app',
    );
    expect(config.wechat.apiBase).toBe('https://api.weixin.qq.com');
    expect(config.embedded).toBe(false);
  });

  it('requires app credentials with a WeChat API base, and a key id with a key', () => {
    expect(
      problemsOf({ WECHAT_API_BASE: 'http://127.0.0.1:9000' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['WECHAT_APP_ID', 'WECHAT_APP_SECRET']);
    expect(
      problemsOf({ JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----' }).map((p) => p.split(':')[0]),
    ).toEqual(['JWT_KEY_ID']);
    expect(problemsOf({ JWT_PUBLIC_KEYS: '[1]' }).map((p) => p.split(':')[0])).toEqual(['JWT_PUBLIC_KEYS']);
  });

  it('does not echo secret values in its messages', () => {
    const problems = problemsOf({ NODE_ENV: 'production', WECHAT_APP_SECRET: 'short-secret' });
    expect(problems.join('\n')).not.toContain('short-secret');
  });
});
