// The admin routes over real HTTP: a small Koa app mounting only deliveryRoutes with the gateway's
// RouteDefiner, error handler and validators; staff auth and RBAC are stand-ins reading headers.
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { errors } from '../platform/errors';
import { errorHandler } from '../platform/http/error-handler';
import { ApiRegistry } from '../platform/http/route';
import { createAjv } from '../platform/validation/ajv';
import { DeliveryAdmin } from './admin.service';
import { deliveryRoutes } from './delivery.routes';
import {
  caseMessage,
  caseRoute,
  clearTables,
  type DeliveryTestDb,
  enqueue,
  kindError,
  openDeliveryDb,
  recordingSender,
} from './testing';
import { DeliveryWorker } from './worker';

let t: DeliveryTestDb;
let server: ReturnType<Koa['listen']>;
let base: string;
let worker: DeliveryWorker;
let healthy = false;

const staffAuth: Middleware = async (ctx, next) => {
  const id = ctx.get('x-test-staff');
  if (!id) throw errors.unauthorized();
  ctx.state.staff = { id };
  await next();
};
const requirePermission = (permission: string): Middleware => {
  return async (ctx, next) => {
    if (!ctx.get('x-test-permissions').split(',').includes(permission)) throw errors.forbidden();
    await next();
  };
};

beforeAll(async () => {
  t = await openDeliveryDb();
  const record = recordingSender('test.sink', (d) => {
    if (!healthy || d.payload.broken === true) throw kindError('permanent');
  });
  worker = new DeliveryWorker(t.database.db, [caseRoute()], [record.sender], {
    name: 'w',
    pollIntervalMs: 20,
  });
  const registry = new ApiRegistry({
    ajv: createAjv(),
    queryAjv: createAjv({ coerceTypes: true }),
    bodyLimit: 256 * 1024,
    authenticate: staffAuth,
    authenticateAdmin: staffAuth,
    authenticateStaff: staffAuth,
    requirePermission,
  });
  deliveryRoutes(
    registry.withPrefix('/api/v1'),
    new DeliveryAdmin(t.database.db, { breakerStates: () => worker.breakerStates() }),
  );
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
  await t?.close();
});
beforeEach(async () => {
  await clearTables(t);
  healthy = false;
});

async function call(method: string, path: string, body?: unknown, permissions = 'workflow.integrate') {
  const res = await fetch(base + path, {
    method,
    headers: {
      'x-test-staff': 'st-admin',
      'x-test-permissions': permissions,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe(`/admin/deliveries (${dialect})`, () => {
  it('lists dead letters page by page, shows one, fixes its payload, replays it', async () => {
    await enqueue(
      t,
      [0, 1, 2].map((n) => caseMessage(`c${n}`, n)),
    );
    await worker.drain();
    const first = await call('GET', '/admin/deliveries?status=dead&destination=test.sink&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    const second = await call('GET', `/admin/deliveries?status=dead&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    const id = second.body.items[0].id as string;
    expect(new Set([...first.body.items, ...second.body.items].map((d: { id: string }) => d.id)).size).toBe(
      3,
    );

    const one = await call('GET', `/admin/deliveries/${id}`);
    expect(one.body).toMatchObject({
      id,
      status: 'dead',
      attempts: 1,
      lastError: 'Error: simulated permanent',
    });

    const bad = await call('PATCH', `/admin/deliveries/${id}`, { payload: [1, 2] });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    const fixed = await call('PATCH', `/admin/deliveries/${id}`, {
      payload: { caseId: 'c0', n: 0, fixed: true },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.edits).toEqual([
      { at: expect.any(Number), by: 'st-admin', previous: one.body.payload },
    ]);

    healthy = true;
    const replayed = await call('POST', `/admin/deliveries/${id}/replay`);
    expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await call('POST', `/admin/deliveries/${id}/replay`)).status).toBe(409);
    await worker.drain();
    expect((await call('GET', `/admin/deliveries/${id}`)).body).toMatchObject({ status: 'delivered' });
    expect((await call('PATCH', `/admin/deliveries/${id}`, { payload: {} })).status).toBe(409);
  });

  it('bulk replay by destination; stats per destination and status', async () => {
    await enqueue(
      t,
      [0, 1, 2].map((n) => caseMessage(`c${n}`, n)),
    );
    await worker.drain();
    let stats = await call('GET', '/admin/deliveries/stats');
    expect(stats.body.destinations).toEqual([
      {
        destination: 'test.sink',
        counts: { pending: 0, delivered: 0, refused: 0, dead: 3 },
        oldestPendingAgeMs: null,
        breaker: 'closed',
      },
    ]);
    expect(stats.body.outbox).toEqual({ unrouted: 0, dead: 0, oldestUnroutedAgeMs: null });
    expect((await call('POST', '/admin/deliveries/replay', {})).status).toBe(400);
    const bulk = await call('POST', '/admin/deliveries/replay', { destination: 'test.sink' });
    expect(bulk.body).toEqual({ replayed: 3 });
    stats = await call('GET', '/admin/deliveries/stats');
    expect(stats.body.destinations[0].counts.pending).toBe(3);
    expect(stats.body.destinations[0].oldestPendingAgeMs).toEqual(expect.any(Number));
    healthy = true;
    await worker.drain();
    const delivered = await call('GET', '/admin/deliveries?status=delivered');
    expect(delivered.body.items).toHaveLength(3);
  });

  it('unknown ids are 404, bad queries 400, and the permission is required', async () => {
    expect((await call('GET', '/admin/deliveries/0190a1b2-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await call('GET', '/admin/deliveries/not-an-id')).status).toBe(404);
    expect((await call('GET', '/admin/deliveries?status=lost')).status).toBe(400);
    expect((await call('GET', '/admin/deliveries?cursor=zzz')).status).toBe(400);
    const denied = await call('GET', '/admin/deliveries', undefined, 'audit.read');
    expect(denied.status).toBe(403);
    expect(denied.type).toContain('application/problem+json');
  });
});
