import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/src';
import { createTestEnv, dialect, type TestEnv } from '../../gateway/test/test-env';
import { call } from '../support/http';
import { runMain, spawnGateway } from '../support/spawn-gateway';

describe(`the gateway process (${dialect})`, () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env?.cleanup());

  it('refuses to start on bad configuration and names every bad key', async () => {
    const run = runMain({ ...env.env, PORT: 'abc', LOG_LEVEL: 'loud', NODE_ENV: 'production' });
    const { code } = await run.exited;
    expect(code).toBe(1);
    const out = run.output();
    for (const key of [
      'PORT',
      'LOG_LEVEL',
      'WECHAT_APP_ID',
      'WECHAT_APP_SECRET',
      'JWT_PRIVATE_KEY',
      'JWT_KEY_ID',
    ])
      expect(out).toContain(key);
    expect(out).toContain('配置无效');
    expect(out).not.toMatch(/at .*\.ts:\d+/); // one message, no stack trace
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    const gw = await spawnGateway(env.env);
    const minted = await call(`${gw.simulatorUrl}/__sandbox/login-code`, { body: { openid: 'o-drain' } });
    // WeChat answers slowly: the login is still in flight when the signal arrives.
    await call(`${gw.simulatorUrl}/__sandbox/faults`, {
      body: { path: '/sns/jscode2session', latencyMs: 1500 },
    });
    const inFlight = call(`${gw.url}/api/v1/auth/wechat`, { body: { code: minted.body.code } });
    await new Promise((r) => setTimeout(r, 300));
    gw.child.kill('SIGTERM');
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body.accessToken).toBeTruthy();
    expect(await gw.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
  }, 30_000);

  it('is not ready while its cache is unreachable, but stays alive', async () => {
    const local = await createTestEnv({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    const gw = await startGateway(local.config, { redisPrefix: local.redisPrefix });
    try {
      expect((await call(`${gw.url}/healthz`)).status).toBe(200);
      const ready = await call(`${gw.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ code: 'not_ready', checks: { database: 'ok', cache: 'down' } });
    } finally {
      await gw.close();
      await local.cleanup();
    }
  });
});
