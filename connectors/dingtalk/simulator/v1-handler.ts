import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { delayOrDrop } from '../../core/simulator/inject-fault';
import { countRequest, type SimulatorStats } from '../../core/simulator/request-stats';
import { BadRequest } from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import { x5BanBody } from './errcodes';
import type { FaultRegistry } from './faults';
import { createPatternRouter, type PatternRoute } from './router';
import type { RateLimits } from './server';
import type { DingtalkState } from './state';
import { V1, type V1Error, type V1Result, v1ErrorBody, v1ErrorForErrcode } from './v1-errors';

type Body = Record<string, unknown>;

/** A route of `api.dingtalk.com/v1.0/…`. */
export interface V1Route {
  /** Checks `x-acs-dingtalk-access-token` (all but the token endpoint). */
  auth: boolean;
  handle(request: { params: Record<string, string>; query: URLSearchParams; body: Body }): V1Result;
}

/** A sandbox route with path parameters; may be async. Throw {@link BadRequest} for HTTP 400. */
export type PatternSandboxRoute = (request: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body | null;
}) => unknown;

export interface V1HandlerDeps {
  state: DingtalkState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  limits: RateLimits;
  timers: Set<NodeJS.Timeout>;
  v1Routes: PatternRoute<V1Route>[];
  sandboxRoutes: PatternRoute<PatternSandboxRoute>[];
  /** Everything else (oapi and the exact-path sandbox routes). */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Serves the new generation (`/v1.0/…`: HTTP 200 resource or 4xx/5xx `{code, message, requestid}`)
 * and the sandbox routes with path parameters or async answers; passes every other request on.
 * Requests are counted under their route template, e.g. `/v1.0/todo/users/{unionId}/tasks`.
 */
export function createV1Handler(deps: V1HandlerDeps) {
  const { state, faults } = deps;
  const v1 = createPatternRouter(deps.v1Routes);
  const sandbox = createPatternRouter(deps.sandboxRoutes);
  const known = new Set([...v1.paths(), ...sandbox.paths()]);
  const appWindow = createSlidingWindow(deps.limits.appQps, 1000, state.now);
  const globalWindow = createSlidingWindow(deps.limits.globalQps, 1000, state.now);

  const answer = (res: ServerResponse, error: V1Error) => sendJson(res, error.status, v1ErrorBody(error));

  async function serveV1(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const route = v1.match(req.method ?? '', path);
    countRequest(deps.stats, known, route ? route.key.slice(route.key.indexOf(' ') + 1) : path);
    const raw = await readBody(req);
    const fault = faults.take(path);
    if (await delayOrDrop(fault, req, res, deps.timers)) return;
    if (fault?.x5) return sendJson(res, 403, x5BanBody());
    if (fault?.code !== undefined) {
      return answer(res, { status: fault.status ?? 400, code: fault.code, message: 'simulated error' });
    }
    if (fault?.errcode !== undefined) return answer(res, v1ErrorForErrcode(fault.errcode, fault.subCode));
    if (!route) return answer(res, V1.notFound);
    if (!globalWindow.take(route.key)) return answer(res, V1.globalQps);
    if (route.handler.auth) {
      const token = req.headers['x-acs-dingtalk-access-token'];
      if (typeof token !== 'string' || state.checkAccessToken(token) !== 0) return answer(res, V1.badToken);
    }
    if (!appWindow.take(route.key)) return answer(res, V1.appQps);
    const body = raw === null ? null : parseJsonObject(raw);
    if (body === null) return answer(res, V1.badJson);
    const result = route.handler.handle({ params: route.params, query: url.searchParams, body });
    if ('error' in result) return answer(res, result.error);
    return sendJson(res, 200, result.body);
  }

  async function serveSandbox(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = sandbox.match(req.method ?? '', url.pathname);
    if (!route) return;
    countRequest(deps.stats, known, route.key.slice(route.key.indexOf(' ') + 1));
    const raw = await readBody(req);
    if (raw === null) return sendJson(res, 400, { error: 'body too large' });
    try {
      const body = parseJsonObject(raw);
      return sendJson(res, 200, await route.handler({ params: route.params, query: url.searchParams, body }));
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      deps.fallback(req, res);
      return;
    }
    let work: Promise<void> | undefined;
    if (url.pathname.startsWith('/v1.0/')) work = serveV1(req, res, url);
    else if (sandbox.match(req.method ?? '', url.pathname)) work = serveSandbox(req, res, url);
    if (!work) {
      deps.fallback(req, res);
      return;
    }
    work.catch(() => {
      if (res.headersSent || res.destroyed) return;
      if (url.pathname.startsWith('/v1.0/')) answer(res, V1.systemError);
      else sendJson(res, 500, { error: 'simulator error' });
    });
  };
}
