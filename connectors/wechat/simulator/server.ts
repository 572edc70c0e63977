import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import type { SimulatorState, WireResult } from './state';

/** Request bodies above this size are refused with HTTP 400. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_ADVANCE_SECONDS = 10 * 366 * 86_400;
/** Documentation-range addresses (RFC 5737): the simulator has no real egress IPs. */
const CALLBACK_IPS = ['203.0.113.10', '203.0.113.11'];

export interface SimulatorStats {
  total: number;
  /** Requests per URL path (unknown paths are counted under `(unknown)`). */
  byPath: Record<string, number>;
}

interface Request {
  query: URLSearchParams;
  /** Parsed JSON body; `undefined` when the body was empty. */
  json: () => unknown;
}

type Route = (request: Request) => { status: number; body: unknown };

class BadRequest extends Error {}

export interface HandlerDeps {
  state: SimulatorState;
  faults: FaultRegistry;
  stats: SimulatorStats;
  codeTtlSeconds: number;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
}

export function createRequestHandler(deps: HandlerDeps) {
  const { state, faults } = deps;
  const wire = (result: WireResult) => ({
    status: 200,
    body: typeof result === 'number' ? errorBody(result) : result,
  });
  const routes: Record<string, Route> = {
    'GET /sns/jscode2session': ({ query }) =>
      wire(
        state.jscode2session({
          appid: query.get('appid'),
          secret: query.get('secret'),
          js_code: query.get('js_code'),
          grant_type: query.get('grant_type'),
        }),
      ),
    'GET /cgi-bin/token': ({ query }) =>
      wire(
        state.getAccessToken({
          appid: query.get('appid'),
          secret: query.get('secret'),
          grant_type: query.get('grant_type'),
        }),
      ),
    'POST /cgi-bin/stable_token': ({ json }) => {
      const b = asObject(json());
      return wire(
        state.getStableAccessToken({
          grant_type: b.grant_type,
          appid: b.appid,
          secret: b.secret,
          force_refresh: b.force_refresh,
        }),
      );
    },
    'GET /cgi-bin/getcallbackip': ({ query }) => {
      const token = query.get('access_token');
      if (!token) return wire(41001);
      const check = state.checkAccessToken(token);
      return wire(check === 0 ? { ip_list: CALLBACK_IPS } : check);
    },
    'POST /__sandbox/login-code': ({ json }) => {
      const b = asObject(json());
      if (typeof b.openid !== 'string' || b.openid === '' || b.openid.length > 128) {
        throw new BadRequest('openid must be a non-empty string');
      }
      if (b.unionid !== undefined && (typeof b.unionid !== 'string' || b.unionid === '')) {
        throw new BadRequest('unionid must be a non-empty string');
      }
      const code = state.mintLoginCode(b.openid, b.unionid as string | undefined);
      return { status: 200, body: { code, expires_in: deps.codeTtlSeconds } };
    },
    'POST /__sandbox/clock': ({ json }) => {
      const seconds = asObject(json()).advanceSeconds;
      if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_ADVANCE_SECONDS)) {
        throw new BadRequest('advanceSeconds must be a number >= 0');
      }
      state.advanceClock(seconds);
      return { status: 200, body: { now: state.now() } };
    },
    'POST /__sandbox/faults': ({ json }) => {
      const fault = parseFault(json());
      if (typeof fault === 'string') throw new BadRequest(fault);
      faults.add(fault);
      return { status: 200, body: { ok: true } };
    },
    'DELETE /__sandbox/faults': () => {
      faults.clear();
      return { status: 200, body: { ok: true } };
    },
  };
  const knownPaths = new Set(Object.keys(routes).map((key) => key.slice(key.indexOf(' ') + 1)));

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

    const raw = await readBody(req);
    if (raw === null) return send(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });

    const fault = path.startsWith('/__sandbox/') ? undefined : faults.take(path);
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
    if (fault?.errcode !== undefined) return send(res, 200, errorBody(fault.errcode));

    const route = routes[`${req.method} ${path}`];
    if (!route) return send(res, 404, { error: 'not found' });
    const json = () => {
      if (raw.length === 0) throw new BadRequest('JSON body required');
      try {
        return JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw new BadRequest('invalid JSON');
      }
    };
    try {
      const answer = route({ query: url.searchParams, json });
      send(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof BadRequest) return send(res, 400, { error: error.message });
      throw error;
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, 500, { errcode: -1, errmsg: 'system error' });
    });
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
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
