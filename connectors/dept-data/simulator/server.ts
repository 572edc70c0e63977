import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultRegistry, type SimulatorFault } from '../../core/simulator/faults';
import { parseFault } from '../../core/simulator/parse-fault';
import { createSimulatorRequestHandler } from '../../core/simulator/request-handler';
import { countRequest, routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import {
  BadRequest,
  type SandboxRoutes,
  type SimulatorRequest,
  sandboxCommonRoutes,
} from '../../core/simulator/sandbox';
import type { SlidingWindow } from '../../core/simulator/sliding-window';
import { DEPT_ERRCODES, errorBody } from '../errcodes';
import { isIdNumber } from '../id-number';
import type { DeptSourceSpec } from '../sources';
import type { ChangeEvent, ChangeFeed } from './change-feed';
import type { RecordStore } from './record-store';
import type { TokenIssuer } from './tokens';

export const MAX_BATCH_SIZE = 100;
export const MAX_CHANGES_PER_PAGE = 500;
export const DEFAULT_CHANGES_PER_PAGE = 100;

export const createDeptFaultRegistry = () => createFaultRegistry<SimulatorFault>();

export interface HandlerDeps {
  spec: DeptSourceSpec;
  store: RecordStore;
  feed: ChangeFeed;
  tokens: TokenIssuer;
  /** Per-app limit of data calls (token fetches are not counted). */
  rateLimit: SlidingWindow;
  faults: ReturnType<typeof createDeptFaultRegistry>;
  stats: SimulatorStats;
  timers: Set<NodeJS.Timeout>;
  clock: { now(): number; advanceClock(seconds: number): void };
  /** Same as `POST /__sandbox/changes`; throws BadRequest on bad input. */
  emitChange(input: unknown): ChangeEvent;
  /** Same as `PUT /__sandbox/records`. */
  putRecord(input: unknown): { ok: true; change: ChangeEvent | null };
}

type Body = Record<string, unknown>;
const ok = (data: unknown): Body => ({ errcode: 0, errmsg: 'ok', data });

/** The stats key of a path: person pulls are counted under their template. */
export function routeTemplate(path: string, resource: string): string {
  return /^\/v1\/persons\/[^/]+\/[^/]+$/.test(path) && path !== '/v1/persons/batch'
    ? `/v1/persons/{idNumber}/${resource}`
    : path;
}

export function createDeptRequestHandler(deps: HandlerDeps) {
  const { spec, store, feed, tokens, faults } = deps;
  const personPath = new RegExp(`^/v1/persons/([^/]{1,32})/${spec.resource}$`);

  function authorised(request: SimulatorRequest): Body | undefined {
    const check = tokens.check(request.query.get('access_token'));
    if (typeof check === 'number') return errorBody(check);
    if (!deps.rateLimit.take(check.appKey)) return errorBody(DEPT_ERRCODES.rateLimited);
    return undefined;
  }

  function pullOne(idNumber: string): Body {
    if (!isIdNumber(idNumber)) return errorBody(DEPT_ERRCODES.badIdNumber);
    const record = store.get(idNumber);
    return record === undefined ? errorBody(DEPT_ERRCODES.notFound) : ok(record);
  }

  function pullBatch(body: Body | null): Body {
    const ids = body?.idNumbers;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BATCH_SIZE) {
      return errorBody(DEPT_ERRCODES.badBatch);
    }
    if (!ids.every((id): id is string => typeof id === 'string' && isIdNumber(id))) {
      return errorBody(DEPT_ERRCODES.badIdNumber);
    }
    const items = [...new Set(ids)].map((idNumber) => {
      const record = store.get(idNumber);
      return record === undefined
        ? { idNumber, found: false, data: null }
        : { idNumber, found: true, data: record };
    });
    return ok({ items });
  }

  function changes(query: URLSearchParams): Body {
    if (!spec.changeFeed) return errorBody(DEPT_ERRCODES.noChangeFeed);
    const rawLimit = query.get('limit');
    const limit = rawLimit === null || rawLimit === '' ? DEFAULT_CHANGES_PER_PAGE : Number(rawLimit);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CHANGES_PER_PAGE) {
      return errorBody(DEPT_ERRCODES.badParameter);
    }
    const page = feed.page(query.get('cursor') ?? '', limit);
    return page ? ok(page) : errorBody(DEPT_ERRCODES.badCursor);
  }

  function routeWire(key: string, path: string, request: SimulatorRequest): Body | undefined {
    if (key === 'POST /v1/token') {
      const issued = tokens.issue(request.body?.appKey, request.body?.appSecret);
      if (typeof issued === 'number') return errorBody(issued);
      return { errcode: 0, errmsg: 'ok', access_token: issued.accessToken, expires_in: issued.expiresIn };
    }
    const person = key.startsWith('GET ') ? personPath.exec(path) : null;
    const isBatch = key === 'POST /v1/persons/batch';
    const isChanges = key === 'GET /v1/changes';
    if (!person && !isBatch && !isChanges) return undefined;
    const refused = authorised(request);
    if (refused) return refused;
    if (person) return pullOne(decodeURIComponent(person[1]!));
    if (isBatch)
      return request.body === null ? errorBody(DEPT_ERRCODES.badParameter) : pullBatch(request.body);
    return changes(request.query);
  }

  const idOf = (query: URLSearchParams) => {
    const idNumber = query.get('idNumber') ?? '';
    if (!isIdNumber(idNumber)) throw new BadRequest('idNumber must be a valid ID number');
    return idNumber;
  };
  const sandbox: SandboxRoutes = {
    'GET /__sandbox/records': ({ query }) => ({ record: store.get(idOf(query)) ?? null }),
    'PUT /__sandbox/records': ({ body }) => deps.putRecord(body),
    'DELETE /__sandbox/records': ({ query }) => {
      store.remove(idOf(query));
      return { ok: true };
    },
    'POST /__sandbox/changes': ({ body }) => ({ change: deps.emitChange(body) }),
    'GET /__sandbox/changes': () => ({ changes: feed.all() }),
    'POST /__sandbox/revoke-tokens': () => {
      tokens.revokeAll();
      return { ok: true };
    },
    'POST /__sandbox/months': ({ body }) => {
      const months = body?.months;
      if (!Number.isSafeInteger(months) || (months as number) < 1 || (months as number) > 120) {
        throw new BadRequest('months must be 1..120');
      }
      return { dataMonth: store.advanceMonths(months as number) };
    },
    ...sandboxCommonRoutes({ clock: deps.clock, faults, parseFault: (input) => parseFault(input) }),
  };
  const knownPaths = new Set([
    '/v1/token',
    '/v1/persons/batch',
    '/v1/changes',
    `/v1/persons/{idNumber}/${spec.resource}`,
    ...routePaths(sandbox),
  ]);

  const handler = createSimulatorRequestHandler({
    faults,
    // Counted below under route templates instead (person paths carry the ID number).
    stats: { total: 0, byPath: {} },
    knownPaths: new Set(),
    timers: deps.timers,
    sandbox,
    answerFault: (fault) =>
      fault.errcode === undefined ? undefined : { status: 200, body: errorBody(fault.errcode) },
    routeWire,
    unknownPath: () => ({ status: 404, body: errorBody(DEPT_ERRCODES.noSuchApi) }),
    systemError: () => errorBody(DEPT_ERRCODES.systemBusy),
  });

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    countRequest(deps.stats, knownPaths, routeTemplate(path, spec.resource));
    handler(req, res);
  };
}
