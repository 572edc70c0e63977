import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { createSimulatorRequestHandler } from '../../core/simulator/request-handler';
import { countRequest, routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import {
  BadRequest,
  badRequestOnThrow,
  type SandboxRoutes,
  type SimulatorRequest,
  sandboxCommonRoutes,
  sandboxMintCode,
} from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import { parsePushBody } from './callback-routes';
import type { CallbackSender } from './callback-sender';
import { errorBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import type { MessageBox } from './messages';
import type { WecomState, WireResult } from './state';

export type { SimulatorStats };

/** Request bodies above this size are refused (errcode 40058 on wire paths, HTTP 400 on sandbox paths). */
export { MAX_BODY_BYTES };

export interface RateLimits {
  /** Calls per minute per (corp, API) before 45009. */
  callsPerMinute: number;
  /**
   * Calls per second per (corp, API) before 45009; unset: no per-second limit. WeCom documents no
   * per-second figure (platforms.md §3.3/§3.4): this models a deployment's gateway or a test's QPS cap.
   */
  callsPerSecond?: number;
}

interface WireRoute {
  /** API routes take `?access_token=`; gettoken checks credentials itself. */
  auth: boolean;
  handle(request: SimulatorRequest & { body: Record<string, unknown> }): WireResult;
}

export interface HandlerDeps {
  state: WecomState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  limits: RateLimits;
  codeTtlSeconds: number;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
  messages: MessageBox;
  callbacks: CallbackSender;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { state, faults } = deps;
  const minuteWindow = createSlidingWindow(deps.limits.callsPerMinute, 60_000, state.now);
  const secondWindow =
    deps.limits.callsPerSecond === undefined
      ? undefined
      : createSlidingWindow(deps.limits.callsPerSecond, 1000, state.now);

  const wire: Record<string, WireRoute> = {
    'GET /cgi-bin/gettoken': {
      auth: false,
      handle: ({ query }) => state.gettoken(query.get('corpid'), query.get('corpsecret')),
    },
    'GET /cgi-bin/auth/getuserinfo': {
      auth: true,
      handle: ({ query }) => state.getuserinfo(query.get('code')),
    },
    'GET /cgi-bin/department/list': {
      auth: true,
      handle: ({ query }) => state.departmentList(query.get('id')),
    },
    'GET /cgi-bin/user/list': {
      auth: true,
      handle: ({ query }) => state.userList(query.get('department_id'), false),
    },
    'GET /cgi-bin/user/simplelist': {
      auth: true,
      handle: ({ query }) => state.userList(query.get('department_id'), true),
    },
    'GET /cgi-bin/user/get': { auth: true, handle: ({ query }) => state.userGet(query.get('userid')) },
    'POST /cgi-bin/user/list_id': { auth: true, handle: ({ body }) => state.userListId(body) },
    'POST /cgi-bin/message/send': { auth: true, handle: ({ body }) => deps.messages.send(body) },
  };

  const sandbox: SandboxRoutes = {
    'POST /__sandbox/auth-code': ({ body }) => {
      const { userid, scope, openid, external_userid: externalUserid } = body ?? {};
      const text = (value: unknown) => typeof value === 'string' && value !== '' && value.length <= 128;
      if (text(userid)) {
        if (scope !== undefined && scope !== 'snsapi_base' && scope !== 'snsapi_privateinfo') {
          throw new BadRequest('scope must be snsapi_base or snsapi_privateinfo');
        }
        return sandboxMintCode(
          () => state.mintAuthCode(userid as string, scope as 'snsapi_base' | undefined),
          deps.codeTtlSeconds,
        );
      }
      if (!text(openid)) throw new BadRequest('userid or openid must be a non-empty string');
      if (externalUserid !== undefined && !text(externalUserid)) throw new BadRequest('bad external_userid');
      const code = state.mintNonMemberCode(openid as string, externalUserid as string | undefined);
      return { code, expires_in: deps.codeTtlSeconds };
    },
    'GET /__sandbox/messages': ({ query }) => deps.messages.list(query.get('touser')),
    'DELETE /__sandbox/messages': () => {
      deps.messages.clear();
      return { ok: true };
    },
    'POST /__sandbox/callback-url': ({ body }) => {
      const { url, token, encodingAesKey } = body ?? {};
      badRequestOnThrow(() =>
        deps.callbacks.configure({ url, token, encodingAesKey } as Parameters<
          CallbackSender['configure']
        >[0]),
      );
      return { ok: true };
    },
    'GET /__sandbox/callbacks/attempts': ({ query }) => {
      const raw = query.get('pushId');
      const pushId = raw === null ? undefined : Number(raw);
      if (pushId !== undefined && !Number.isSafeInteger(pushId))
        throw new BadRequest('pushId must be an integer');
      return { attempts: deps.callbacks.attempts(pushId) };
    },
    'DELETE /__sandbox/callbacks/attempts': () => {
      deps.callbacks.clearAttempts();
      return { ok: true };
    },
    ...sandboxCommonRoutes({ clock: state, faults, parseFault, org: state }),
  };
  /** Sandbox routes that wait for the receiver, so they answer asynchronously. */
  const asyncSandbox: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    'POST /__sandbox/callbacks/verify': () => deps.callbacks.verify(),
    'POST /__sandbox/events': async (body) => {
      const push = parsePushBody(body);
      if (!deps.callbacks.configured()) throw new Error('no callback URL configured');
      const pending = deps.callbacks.push(push.fields, push.options);
      if (!push.wait) {
        pending.catch(() => undefined);
        return { queued: true };
      }
      return pending;
    },
  };
  const knownPaths = routePaths(wire, { ...sandbox, ...asyncSandbox });

  function answerWire(path: string, route: WireRoute, request: SimulatorRequest): Record<string, unknown> {
    if (route.auth) {
      const check = state.checkAccessToken(request.query.get('access_token'));
      if (check !== 0) return errorBody(check);
    }
    if (secondWindow && !secondWindow.take(path)) return errorBody(45009);
    if (!minuteWindow.take(path)) return errorBody(45009);
    if (request.body === null) return errorBody(40058);
    const result = route.handle({ query: request.query, body: request.body });
    if (typeof result === 'number') return errorBody(result);
    if (result.errcode) return { ...errorBody(result.errcode), ...result.body };
    return { errcode: 0, errmsg: 'ok', ...result.body };
  }

  const handler = createSimulatorRequestHandler({
    faults,
    stats: deps.stats,
    knownPaths,
    timers: deps.timers,
    sandbox,
    answerFault: (fault) =>
      fault.errcode === undefined ? undefined : { status: 200, body: errorBody(fault.errcode) },
    routeWire: (key, path, request) => {
      const route = wire[key];
      return route && answerWire(path, route, request);
    },
    // Not a documented answer: the real server's reply to unknown paths was not checked.
    unknownPath: () => ({ status: 404, body: { errcode: 404, errmsg: 'no such api (simulator)' } }),
    systemError: () => errorBody(-1),
  });

  async function handleAsyncSandbox(
    route: (body: Record<string, unknown>) => Promise<unknown>,
    path: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    countRequest(deps.stats, knownPaths, path);
    const raw = await readBody(req);
    const body = raw === null ? null : parseJsonObject(raw);
    if (body === null) return sendJson(res, 400, { error: 'body must be a JSON object' });
    try {
      return sendJson(res, 200, await route(body));
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = asyncSandbox[`${req.method} ${path}`];
    if (!route) {
      handler(req, res);
      return;
    }
    handleAsyncSandbox(route, path, req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'simulator error' });
    });
  };
}
