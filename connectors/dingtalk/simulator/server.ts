import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { delayOrDrop } from '../../core/simulator/inject-fault';
import { countRequest, routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import {
  BadRequest,
  sandboxAddFault,
  sandboxAdvanceClock,
  sandboxClearFaults,
} from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import { errorBody, requestId, x5BanBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import type { DingtalkState, WireResult } from './state';

export type { SimulatorStats };

/** Request bodies above this size are refused (errcode 400002 on wire paths, HTTP 400 on sandbox paths). */
export { MAX_BODY_BYTES };

export interface RateLimits {
  /** Calls per second per (app, API) before 90018. */
  appQps: number;
  /** Calls per second per API from everyone (valid credentials or not) before 90002. */
  globalQps: number;
}

interface Request {
  query: URLSearchParams;
  /** The JSON body as an object; `{}` when empty; null when it is not a JSON object. */
  body: Record<string, unknown> | null;
}

interface WireRoute {
  /** topapi routes take `?access_token=`; gettoken checks credentials itself. */
  auth: boolean;
  handle(request: Request & { body: Record<string, unknown> }): WireResult;
}

export interface HandlerDeps {
  state: DingtalkState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  limits: RateLimits;
  codeTtlSeconds: number;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { state, faults } = deps;
  const appWindow = createSlidingWindow(deps.limits.appQps, 1000, state.now);
  const globalWindow = createSlidingWindow(deps.limits.globalQps, 1000, state.now);

  const wire: Record<string, WireRoute> = {
    'GET /gettoken': {
      auth: false,
      handle: ({ query }) => state.gettoken(query.get('appkey'), query.get('appsecret')),
    },
    'POST /topapi/v2/user/getuserinfo': { auth: true, handle: ({ body }) => state.getuserinfo(body) },
    'POST /topapi/v2/user/get': { auth: true, handle: ({ body }) => state.userGet(body) },
    'POST /topapi/v2/user/list': { auth: true, handle: ({ body }) => state.userList(body) },
    'POST /topapi/user/listid': { auth: true, handle: ({ body }) => state.userListId(body) },
    'POST /topapi/v2/department/listsub': { auth: true, handle: ({ body }) => state.deptListsub(body) },
    'POST /topapi/v2/department/get': { auth: true, handle: ({ body }) => state.deptGet(body) },
  };

  const sandbox: Record<string, (request: Request) => unknown> = {
    'POST /__sandbox/auth-code': ({ body }) => {
      const userid = body?.userid;
      if (typeof userid !== 'string' || userid === '')
        throw new BadRequest('userid must be a non-empty string');
      try {
        return { code: state.mintAuthCode(userid), expires_in: deps.codeTtlSeconds };
      } catch (error) {
        throw new BadRequest((error as Error).message);
      }
    },
    'POST /__sandbox/clock': ({ body }) => sandboxAdvanceClock(state, body),
    'POST /__sandbox/faults': ({ body }) => sandboxAddFault(faults, parseFault, body),
    'DELETE /__sandbox/faults': () => sandboxClearFaults(faults),
    'GET /__sandbox/org': () => state.getOrg(),
    'PUT /__sandbox/org': ({ body }) => {
      try {
        state.setOrg(body);
      } catch (error) {
        throw new BadRequest((error as Error).message);
      }
      return { ok: true };
    },
  };
  const knownPaths = routePaths(wire, sandbox);

  function answerWire(path: string, route: WireRoute, request: Request): Record<string, unknown> {
    if (!globalWindow.take(path)) return errorBody(90002);
    if (route.auth) {
      const check = state.checkAccessToken(request.query.get('access_token'));
      if (check !== 0) return errorBody(check.errcode, check.subCode);
    }
    if (!appWindow.take(path)) return errorBody(90018);
    if (request.body === null) return errorBody(400002);
    const result = route.handle({ query: request.query, body: request.body });
    if ('errcode' in result) return errorBody(result.errcode, result.subCode);
    return { errcode: 0, errmsg: 'ok', ...result.body, request_id: requestId() };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return sendJson(res, 400, { error: 'bad request line' });
    }
    const path = url.pathname;
    countRequest(deps.stats, knownPaths, path);
    const isSandbox = path.startsWith('/__sandbox/');

    const raw = await readBody(req);
    const body = raw === null ? null : parseJsonObject(raw);
    const key = `${req.method} ${path}`;

    if (isSandbox) {
      const route = sandbox[key];
      if (!route) return sendJson(res, 404, { error: 'not found' });
      if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      try {
        return sendJson(res, 200, route({ query: url.searchParams, body }));
      } catch (error) {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        throw error;
      }
    }

    const fault = faults.take(path);
    if (await delayOrDrop(fault, req, res, deps.timers)) return;
    // The HTTP status of the x5 ban answer is not documented; the body is what identifies it.
    if (fault?.x5) return sendJson(res, 200, x5BanBody());
    if (fault?.errcode !== undefined) return sendJson(res, 200, errorBody(fault.errcode, fault.subCode));

    const route = wire[key];
    if (route) return sendJson(res, 200, answerWire(path, route, { query: url.searchParams, body }));
    if (path.startsWith('/topapi/')) {
      // What oapi answers for an unknown topapi method (platforms.md §2.1: errcode 22 invalid ApiName).
      const apiName = `dingtalk.oapi${path.slice('/topapi'.length).replaceAll('/', '.')}`.slice(0, 200);
      const sub = `不合法ApiName，ApiName = ${apiName}`;
      return sendJson(res, 200, {
        errcode: 22,
        sub_msg: sub,
        errmsg: `Invalid method[submsg=${sub}]`,
        request_id: requestId(),
      });
    }
    return sendJson(res, 404, errorBody(404));
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(-1));
    });
  };
}
