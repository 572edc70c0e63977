import { MAX_BODY_BYTES } from '../../core/simulator/http-io';
import { createSimulatorRequestHandler } from '../../core/simulator/request-handler';
import { routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import {
  BadRequest,
  type SandboxRoutes,
  type SimulatorRequest,
  sandboxCommonRoutes,
  sandboxMintCode,
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

export interface WireRoute {
  /** topapi routes take `?access_token=`; gettoken checks credentials itself. */
  auth: boolean;
  handle(request: SimulatorRequest & { body: Record<string, unknown> }): WireResult;
}

export interface HandlerDeps {
  state: DingtalkState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  limits: RateLimits;
  codeTtlSeconds: number;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
  /** More oapi routes (工作通知, approval), keyed `'METHOD /path'`. */
  extraWire?: Record<string, WireRoute>;
  /** More exact-path sandbox routes. */
  extraSandbox?: SandboxRoutes;
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
    ...deps.extraWire,
  };

  const sandbox: SandboxRoutes = {
    'POST /__sandbox/auth-code': ({ body }) => {
      const userid = body?.userid;
      if (typeof userid !== 'string' || userid === '')
        throw new BadRequest('userid must be a non-empty string');
      return sandboxMintCode(() => state.mintAuthCode(userid), deps.codeTtlSeconds);
    },
    ...sandboxCommonRoutes({ clock: state, faults, parseFault, org: state }),
    ...deps.extraSandbox,
  };
  const knownPaths = routePaths(wire, sandbox);

  function answerWire(path: string, route: WireRoute, request: SimulatorRequest): Record<string, unknown> {
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

  return createSimulatorRequestHandler({
    faults,
    stats: deps.stats,
    knownPaths,
    timers: deps.timers,
    sandbox,
    answerFault: (fault) => {
      // The HTTP status of the x5 ban answer is not documented; the body is what identifies it.
      if (fault.x5) return { status: 200, body: x5BanBody() };
      if (fault.errcode !== undefined) return { status: 200, body: errorBody(fault.errcode, fault.subCode) };
      return undefined;
    },
    routeWire: (key, path, request) => {
      const route = wire[key];
      return route && answerWire(path, route, request);
    },
    unknownPath: (path) => {
      if (path.startsWith('/topapi/')) {
        // What oapi answers for an unknown topapi method (platforms.md §2.1: errcode 22 invalid ApiName).
        const apiName = `dingtalk.oapi${path.slice('/topapi'.length).replaceAll('/', '.')}`.slice(0, 200);
        const sub = `不合法ApiName，ApiName = ${apiName}`;
        return {
          status: 200,
          body: {
            errcode: 22,
            sub_msg: sub,
            errmsg: `Invalid method[submsg=${sub}]`,
            request_id: requestId(),
          },
        };
      }
      return { status: 404, body: errorBody(404) };
    },
    systemError: () => errorBody(-1),
  });
}
