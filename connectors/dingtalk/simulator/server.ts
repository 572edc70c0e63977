import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, requestId, x5BanBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import { createSlidingWindow } from './rate-limit';
import type { DingtalkState, WireResult } from './state';

/** Request bodies above this size are refused (errcode 400002 on wire paths, HTTP 400 on sandbox paths). */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_ADVANCE_SECONDS = 10 * 366 * 86_400;

export interface SimulatorStats {
  total: number;
  /** Requests per URL path (unknown paths are counted under `(unknown)`). */
  byPath: Record<string, number>;
}

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

class BadRequest extends Error {}

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
    'POST /__sandbox/clock': ({ body }) => {
      const seconds = body?.advanceSeconds;
      if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_ADVANCE_SECONDS)) {
        throw new BadRequest('advanceSeconds must be a number >= 0');
      }
      state.advanceClock(seconds);
      return { now: state.now() };
    },
    'POST /__sandbox/faults': ({ body }) => {
      const fault = parseFault(body);
      if (typeof fault === 'string') throw new BadRequest(fault);
      faults.add(fault);
      return { ok: true };
    },
    'DELETE /__sandbox/faults': () => {
      faults.clear();
      return { ok: true };
    },
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
  const knownPaths = new Set(
    [...Object.keys(wire), ...Object.keys(sandbox)].map((key) => key.slice(key.indexOf(' ') + 1)),
  );

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
      return send(res, 400, { error: 'bad request line' });
    }
    const path = url.pathname;
    deps.stats.total += 1;
    const statsKey = knownPaths.has(path) ? path : '(unknown)';
    deps.stats.byPath[statsKey] = (deps.stats.byPath[statsKey] ?? 0) + 1;
    const isSandbox = path.startsWith('/__sandbox/');

    const raw = await readBody(req);
    const body = raw === null ? null : parseObject(raw);
    const key = `${req.method} ${path}`;

    if (isSandbox) {
      const route = sandbox[key];
      if (!route) return send(res, 404, { error: 'not found' });
      if (raw === null) return send(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      try {
        return send(res, 200, route({ query: url.searchParams, body }));
      } catch (error) {
        if (error instanceof BadRequest) return send(res, 400, { error: error.message });
        throw error;
      }
    }

    const fault = faults.take(path);
    if (fault?.latencyMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          deps.timers.delete(timer);
          resolve();
        }, fault.latencyMs);
        deps.timers.add(timer);
      });
      if (res.destroyed) return;
    }
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    // The HTTP status of the x5 ban answer is not documented; the body is what identifies it.
    if (fault?.x5) return send(res, 200, x5BanBody());
    if (fault?.errcode !== undefined) return send(res, 200, errorBody(fault.errcode, fault.subCode));

    const route = wire[key];
    if (route) return send(res, 200, answerWire(path, route, { query: url.searchParams, body }));
    if (path.startsWith('/topapi/')) {
      // What oapi answers for an unknown topapi method (platforms.md §2.1: errcode 22 invalid ApiName).
      const apiName = `dingtalk.oapi${path.slice('/topapi'.length).replaceAll('/', '.')}`.slice(0, 200);
      const sub = `不合法ApiName，ApiName = ${apiName}`;
      return send(res, 200, {
        errcode: 22,
        sub_msg: sub,
        errmsg: `Invalid method[submsg=${sub}]`,
        request_id: requestId(),
      });
    }
    return send(res, 404, errorBody(404));
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, 500, errorBody(-1));
    });
  };
}

/** The body as a JSON object; `{}` when empty; null when it is anything else. */
function parseObject(raw: Buffer): Record<string, unknown> | null {
  if (raw.length === 0) return {};
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Whole body, or null when it is larger than {@link MAX_BODY_BYTES} (read to the end and discarded). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
