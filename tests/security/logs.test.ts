import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../gateway/src';
import { createLogger } from '../../gateway/src/platform/logger';
import { createTestEnv, dialect, type TestEnv } from '../../gateway/test/test-env';
import { fakeIdNumber, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

describe(`logs hold no personal data or credentials (${dialect})`, () => {
  let env: TestEnv;
  const lines: string[] = [];
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    env = await createTestEnv();
    const sink = new Writable({
      write: (chunk, _e, cb) => {
        lines.push(String(chunk));
        cb();
      },
    });
    gateway = await startGateway(env.config, {
      redisPrefix: env.redisPrefix,
      logger: createLogger('trace', sink),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await env?.cleanup();
  });

  it('logs one line per request without bodies, codes, tokens, ID or phone numbers', async () => {
    const code = gateway.wechatSimulator!.mintLoginCode('o-logs');
    const login = await call(`${gateway.url}/api/v1/auth/wechat?code=${code}`, { body: { code } });
    expect(login.status).toBe(400); // unknown query parameter
    const ok = await call(`${gateway.url}/api/v1/auth/wechat`, {
      body: { code: gateway.wechatSimulator!.mintLoginCode('o-logs') },
    });
    const { accessToken, refreshToken } = ok.body;
    const app = validApplication({
      formData: { ...validApplication().formData, idNumber: fakeIdNumber(777), phone: '13000000777' },
    });
    expect(
      (
        await call(`${gateway.url}/api/v1/cases`, {
          token: accessToken,
          body: app,
          headers: { 'idempotency-key': randomUUID() },
        })
      ).status,
    ).toBe(201);
    const bad = { ...app, formData: { ...app.formData, phone: '1300000077' } };
    expect(
      (
        await call(`${gateway.url}/api/v1/cases`, {
          token: accessToken,
          body: bad,
          headers: { 'idempotency-key': randomUUID() },
        })
      ).status,
    ).toBe(400);

    const text = lines.join('');
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(4);
    for (const secret of [
      code,
      accessToken,
      refreshToken,
      fakeIdNumber(777),
      '13000000777',
      '1300000077',
      '王测试',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/session_?key/i);
  });
});
