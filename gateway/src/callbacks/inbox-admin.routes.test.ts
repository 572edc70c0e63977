import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { requirePermission } from '../identity';
import { errors } from '../platform/errors';
import { errorHandler } from '../platform/http/error-handler';
import { ApiRegistry } from '../platform/http/route';
import { createAjv } from '../platform/validation/ajv';
import type { InboxEventView } from './inbox.types';
import { inboxAdminRoutes } from './inbox-admin.routes';
import { InboxHandlers, PermanentInboxError } from './inbox-handlers';
import { type Harness, silentLog, startHarness } from './testing/harness';

// Staff sign-in is identity's business: here a fixed bearer per staff member stands in for it.
const STAFF: Record<string, string> = { 'token-admin': 'admin-1', 'token-clerk': 'clerk-1' };
const ROLES: Record<string, string[]> = { 'admin-1': ['system-admin'], 'clerk-1': [] };
const staffAuth: Middleware = async (ctx, next) => {
  const id = STAFF[ctx.get('Authorization').replace(/^Bearer /, '')];
  if (!id) throw errors.unauthorized();
  ctx.state.staff = { id, sessionId: 's' };
  await next();
};

describe(`inbox admin routes (${dialect})`, () => {
  let h: Harness;
  let server: Server;
  let api: string;
  let failing = true;

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('wecom', 'broken', async () => {
      if (failing) throw new PermanentInboxError('bad_payload');
    });
    h = await startHarness({ handlers });
    const registry = new ApiRegistry({
      ajv: createAjv(),
      queryAjv: createAjv({ coerceTypes: true }),
      bodyLimit: 1024,
      authenticate: staffAuth,
      authenticateAdmin: staffAuth,
      authenticateStaff: staffAuth,
      requirePermission: requirePermission((id) => ROLES[id] ?? []),
    });
    inboxAdminRoutes(registry.withPrefix('/api/v1'), h.inbox);
    const router = new Router();
    registry.mount(router);
    const app = new Koa();
    app.use(errorHandler(silentLog));
    app.use(router.routes());
    app.use(router.allowedMethods());
    app.on('error', () => {});
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    for (let i = 0; i < 5; i++) {
      const { id, status } = await h.inbox.receive({
        source: i < 3 ? 'wecom' : 'dingtalk',
        eventType: i === 0 ? 'broken' : 'other',
        dedupeKey: `k-${i}`,
        payload: { i },
      });
      if (status === 'pending') await h.inbox.process(id);
    }
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await h?.close();
  });

  const call = (path: string, token = 'token-admin', method = 'GET') =>
    fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  it('needs a signed-in staff member with workflow.integrate', async () => {
    expect((await call('/admin/inbox', 'nobody')).status).toBe(401);
    const denied = await call('/admin/inbox', 'token-clerk');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('lists newest first with filters and a cursor, without payloads', async () => {
    const first = await call('/admin/inbox?limit=2');
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: InboxEventView[]; next?: string };
    expect(page.items).toHaveLength(2);
    expect(page.next).toBeDefined();
    expect(JSON.stringify(page)).not.toMatch(/payload|k-\d/);
    const rest = (await (await call(`/admin/inbox?limit=10&cursor=${page.next}`)).json()) as {
      items: InboxEventView[];
      next?: string;
    };
    expect(rest.items).toHaveLength(3);
    expect(rest.next).toBeUndefined();
    expect(new Set([...page.items, ...rest.items].map((i) => i.id)).size).toBe(5);
    const dead = (await (await call('/admin/inbox?status=dead&source=wecom')).json()) as {
      items: InboxEventView[];
    };
    expect(dead.items).toEqual([
      expect.objectContaining({
        source: 'wecom',
        eventType: 'broken',
        status: 'dead',
        lastError: 'permanent:bad_payload',
      }),
    ]);
    expect((await call('/admin/inbox?status=lost')).status).toBe(400);
    expect((await call('/admin/inbox?cursor=abc')).status).toBe(400);
  });

  it('retries a dead event (operationId retryInboxEvent); 409 for others, 404 for unknown ids', async () => {
    failing = false;
    const dead = ((await (await call('/admin/inbox?status=dead')).json()) as { items: InboxEventView[] })
      .items[0]!;
    const retried = await call(`/admin/inbox/${dead.id}/retry`, 'token-admin', 'POST');
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    await h.inbox.drain();
    expect((await h.inbox.repository.get(dead.id))?.status).toBe('done');
    const again = await call(`/admin/inbox/${dead.id}/retry`, 'token-admin', 'POST');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('inbox_event_not_retryable');
    expect(
      (await call('/admin/inbox/00000000-0000-0000-0000-000000000000/retry', 'token-admin', 'POST')).status,
    ).toBe(404);
    expect((await call('/admin/inbox/not-an-id/retry', 'token-admin', 'POST')).status).toBe(404);
  });
});
