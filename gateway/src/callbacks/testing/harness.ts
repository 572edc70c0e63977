// A gateway-like app for callback tests: a real database and cache of the test dialect (SQLite +
// in-process, or MariaDB + Redis), the inbox, and the callback routes on 127.0.0.1:0.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbacksConfig } from '@gcrm/config/callbacks';
import Koa from 'koa';
import { pino } from 'pino';
import { createTestEnv, type TestEnv } from '../../../test/test-env';
import { migrate } from '../../platform/db/migrate';
import { createInfrastructure, type Infrastructure } from '../../platform/infrastructure';
import { type CallbackRoutesDeps, callbackRoutes } from '../callback-routes';
import { inboxMigrations } from '../inbox.migrations';
import { InboxService, type InboxServiceOptions } from '../inbox.service';
import { InboxHandlers } from '../inbox-handlers';

export const silentLog = pino({ level: 'silent' });

/** A random token / EncodingAESKey of the documented shapes. */
export const newToken = () => randomBytes(12).toString('hex');
export const newAesKey = () =>
  randomBytes(48)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 43);

export interface Harness {
  url: string;
  env: TestEnv;
  infra: Infrastructure;
  inbox: InboxService;
  handlers: InboxHandlers;
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<CallbacksConfig>;
  receiveIds?: CallbackRoutesDeps['receiveIds'];
  oaSecret?: CallbackRoutesDeps['oaSecret'];
  handlers?: InboxHandlers;
  inbox?: InboxServiceOptions;
  now?: () => number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env = await createTestEnv();
  const infra = createInfrastructure(env.config, env.redisPrefix);
  await migrate(infra.database.db, inboxMigrations);
  const handlers = options.handlers ?? new InboxHandlers();
  const inbox = new InboxService(infra.database.db, handlers, {
    retry: { baseDelayMs: 20, maxDelayMs: 50 },
    log: silentLog,
    ...options.inbox,
  });
  const config: CallbacksConfig = {
    maxSkewSeconds: 300,
    bodyLimitBytes: 64 * 1024,
    dingtalk: { mode: 'http' },
    ...options.config,
  };
  const app = new Koa();
  app.use(
    callbackRoutes({
      config,
      inbox,
      cache: infra.cache,
      log: silentLog,
      receiveIds: options.receiveIds ?? {},
      ...(options.oaSecret ? { oaSecret: options.oaSecret } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
  );
  app.use(async (ctx) => {
    ctx.status = 404;
    ctx.body = 'not a callback';
  });
  app.on('error', () => {});
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    env,
    infra,
    inbox,
    handlers,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inbox.drain();
      await infra.close();
      await env.cleanup();
    },
  };
}

/** Polls `check` until it is truthy (fails the test after `timeoutMs`). */
export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** Every inbox row of a source, oldest first. */
export async function rowsOf(harness: Harness, source?: string) {
  const page = await harness.inbox.list({ ...(source ? { source } : {}), limit: 100 });
  return page.rows.reverse();
}

/** A body that refuses to be small: `bytes` of XML-looking filler. */
export const oversize = (bytes: number) => `<xml><Encrypt>${'A'.repeat(bytes)}</Encrypt></xml>`;

export const XXE = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&xxe;</Encrypt></xml>`;

export const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from(
  { length: 9 },
  (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
).join('')}]><xml><Encrypt>&lol9;</Encrypt></xml>`;
