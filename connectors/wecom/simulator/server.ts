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
import { errorBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import type { WecomState, WireResult } from './state';

export type { SimulatorStats };

/** Request bodies above this size are refused (errcode 40058 on wire paths, HTTP 400 on sandbox paths). */
export { MAX_BODY_BYTES };

export interface RateLimits {
  /** Calls per minute per (corp, API) before 45009. */
  callsPerMinute: number;
}

interface Request {
  query: URLSearchParams;
  /** The JSON body as an object; `{}` when empty; null when it is not a JSON object. */
  body: Record<string, unknown> | null;
}

interface WireRoute {
  /** API routes take `?access_token=`; gettoken checks credentials itself. */
  auth: boolean;
  handle(request: Request & { body: Record<string, unknown> }): WireResult;
}

export interface HandlerDeps {
  state: WecomState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  limits: RateLimits;
  codeTtlSeconds: number;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { state, faults } = deps;
  const minuteWindow = createSlidingWindow(deps.limits.callsPerMinute, 60_000, state.now);

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
  };

  const sandbox: Record<string, (request: Request) => unknown> = {
    'POST /__sandbox/auth-code': ({ body }) => {
      const { userid, scope, openid, external_userid: externalUserid } = body ?? {};
      const text = (value: unknown) => typeof value === 'string' && value !== '' && value.length <= 128;
      if (text(userid)) {
        if (scope !== undefined && scope !== 'snsapi_base' && scope !== 'snsapi_privateinfo') {
          throw new BadRequest('scope must be snsapi_base or snsapi_privateinfo');
        }
        try {
          const code = state.mintAuthCode(userid as string, scope as 'snsapi_base' | undefined);
          return { code, expires_in: deps.codeTtlSeconds };
        } catch (error) {
          throw new BadRequest((error as Error).message);
        }
      }
      if (!text(openid)) throw new BadRequest('userid or openid must be a non-empty string');
      if (externalUserid !== undefined && !text(externalUserid)) throw new BadRequest('bad external_userid');
      const code = state.mintNonMemberCode(openid as string, externalUserid as string | undefined);
      return { code, expires_in: deps.codeTtlSeconds };
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
    if (route.auth) {
      const check = state.checkAccessToken(request.query.get('access_token'));
      if (check !== 0) return errorBody(check);
    }
    if (!minuteWindow.take(path)) return errorBody(45009);
    if (request.body === null) return errorBody(40058);
    const result = route.handle({ query: request.query, body: request.body });
    if (typeof result === 'number') return errorBody(result);
    return { errcode: 0, errmsg: 'ok', ...result.body };
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
    if (fault?.errcode !== undefined) return sendJson(res, 200, errorBody(fault.errcode));

    const route = wire[key];
    if (route) return sendJson(res, 200, answerWire(path, route, { query: url.searchParams, body }));
    // Not a documented answer: the real server's reply to unknown paths was not checked.
    return sendJson(res, 404, { errcode: 404, errmsg: 'no such api (simulator)' });
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(-1));
    });
  };
}
