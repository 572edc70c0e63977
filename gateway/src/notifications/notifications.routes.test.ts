// The citizen's notification routes over real HTTP: a small Koa app mounting only notificationRoutes
// with the gateway's RouteDefiner, error handler and validators; citizen auth is a header stand-in.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import fc from 'fast-check';
import Koa, { type Middleware } from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { errors } from '../platform/errors';
import { errorHandler } from '../platform/http/error-handler';
import { ApiRegistry } from '../platform/http/route';
import { createAjv } from '../platform/validation/ajv';
import { loadNotificationsConfig } from './notifications.config';
import { notificationMigrations } from './notifications.migrations';
import { notificationRoutes } from './notifications.routes';
import { NotificationService, SUBSCRIBE_ANSWERS } from './notifications.service';

const config = loadNotificationsConfig();
const TEMPLATE_IDS = Object.values(config.events).map((e) => e.wechat.templateId);

let env: TestEnv;
let database: Database;
let server: ReturnType<Koa['listen']>;
let base: string;

const citizenAuth: Middleware = async (ctx, next) => {
  const id = ctx.get('x-test-citizen');
  if (!id) throw errors.unauthorized();
  ctx.state.citizen = { id };
  await next();
};

beforeAll(async () => {
  env = await createTestEnv();
  database = createDatabase(env.config.database);
  await migrate(database.db, notificationMigrations);
  const registry = new ApiRegistry({
    ajv: createAjv(),
    queryAjv: createAjv({ coerceTypes: true }),
    bodyLimit: 64 * 1024,
    authenticate: citizenAuth,
    authenticateAdmin: citizenAuth,
    authenticateStaff: citizenAuth,
  });
  notificationRoutes(registry.withPrefix('/api/v1'), new NotificationService(database.db, config));
  const router = new Router();
  registry.mount(router);
  const app = new Koa();
  app.use(errorHandler(pino({ level: 'silent' })));
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.close();
  await env?.cleanup();
});

async function call(method: string, path: string, body?: unknown, citizen: string | null = randomUUID()) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(citizen ? { 'x-test-citizen': citizen } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
}

const pointers = (body: { errors?: { pointer?: string }[] }) => (body.errors ?? []).map((e) => e.pointer);

describe(`/me/subscriptions and /me/notification-settings (${dialect})`, () => {
  it('records accepts and rejects; settings show the channel and what is left', async () => {
    const citizen = randomUUID();
    const first = await call(
      'POST',
      '/me/subscriptions',
      { 'sim-tpl-case-accepted': 'accept', 'sim-tpl-case-closed': 'reject' },
      citizen,
    );
    expect(first.status).toBe(200);
    await call('POST', '/me/subscriptions', { 'sim-tpl-case-accepted': 'accept' }, citizen);
    const settings = await call('GET', '/me/notification-settings', undefined, citizen);
    expect(settings.status).toBe(200);
    expect(settings.body.channel).toBe('wechat');
    expect(settings.body.templates).toEqual(
      expect.arrayContaining([
        {
          event: 'accepted',
          title: '受理通知',
          templateId: 'sim-tpl-case-accepted',
          remaining: 2,
          lastStatus: 'accept',
        },
        {
          event: 'closed',
          title: '办结通知',
          templateId: 'sim-tpl-case-closed',
          remaining: 0,
          lastStatus: 'reject',
        },
        {
          event: 'rating',
          title: '评价邀请',
          templateId: 'sim-tpl-rating-invite',
          remaining: 0,
          lastStatus: null,
        },
      ]),
    );
    const put = await call('PUT', '/me/notification-settings', { channel: 'sms' }, citizen);
    expect(put).toMatchObject({ status: 200, body: { channel: 'sms' } });
    expect(
      (await call('PUT', '/me/notification-settings', { channel: 'wechat' }, citizen)).body.channel,
    ).toBe('wechat');
  });

  it('bad bodies are 400 problem+json with pointers; no token is 401', async () => {
    const unknown = await call('POST', '/me/subscriptions', { 'tpl-of-someone-else': 'accept' });
    expect(unknown.status).toBe(400);
    expect(unknown.type).toContain('application/problem+json');
    expect(pointers(unknown.body)).toEqual(['/tpl-of-someone-else']);
    const badAnswer = await call('POST', '/me/subscriptions', { 'sim-tpl-case-accepted': 'yes' });
    expect(pointers(badAnswer.body)).toEqual(['/sim-tpl-case-accepted']);
    expect((await call('POST', '/me/subscriptions', {})).status).toBe(400);
    expect((await call('POST', '/me/subscriptions', '[1]')).status).toBe(400);
    const channel = await call('PUT', '/me/notification-settings', { channel: 'mail' });
    expect(channel.status).toBe(400);
    expect(pointers(channel.body)).toEqual(['/channel']);
    expect((await call('GET', '/me/notification-settings', undefined, null)).status).toBe(401);
  });

  it('fuzz: any JSON body is 200 exactly when valid, else 400 with a pointer per error', async () => {
    const answer = fc.oneof(fc.constantFrom(...SUBSCRIBE_ANSWERS), fc.string({ maxLength: 8 }), fc.integer());
    const key = fc.oneof(fc.constantFrom(...TEMPLATE_IDS), fc.string({ maxLength: 12 }));
    const body = fc.oneof(
      fc.dictionary(key, answer, { maxKeys: 5 }),
      fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const valid = (b: unknown) =>
      typeof b === 'object' &&
      b !== null &&
      !Array.isArray(b) &&
      Object.keys(b).length > 0 &&
      Object.entries(b).every(
        ([k, v]) => TEMPLATE_IDS.includes(k) && (SUBSCRIBE_ANSWERS as readonly unknown[]).includes(v),
      );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await call('POST', '/me/subscriptions', b);
        if (valid(b)) {
          expect(res.status).toBe(200);
          return;
        }
        expect(res.status).toBe(400);
        expect(res.type).toContain('application/problem+json');
        if (typeof b === 'object' && b !== null && !Array.isArray(b) && Object.keys(b).length > 0) {
          expect(res.body.errors.length).toBeGreaterThan(0);
          for (const e of res.body.errors) expect(e.pointer).toMatch(/^\//);
        }
      }),
      { numRuns: 120 },
    );
  });
});
