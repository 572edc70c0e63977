import type { IncomingMessage, ServerResponse } from 'node:http';
import { asObject, MAX_BODY_BYTES, readBody, sendJson } from '../../core/simulator/http-io';
import { delayOrDrop } from '../../core/simulator/inject-fault';
import { countRequest, routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import {
  BadRequest,
  sandboxAddFault,
  sandboxAdvanceClock,
  sandboxClearFaults,
} from '../../core/simulator/sandbox';
import { errorBody } from './errcodes';
import { type FaultRegistry, parseFault } from './faults';
import type { PhoneState } from './phone';
import type { PushSender } from './push-sender';
import type { SimulatorState, WireResult } from './state';
import type { SubscribeState } from './subscribe';

/** Request bodies above this size are refused with HTTP 400. */
export { MAX_BODY_BYTES };

/** Documentation-range addresses (RFC 5737): the simulator has no real egress IPs. */
const CALLBACK_IPS = ['203.0.113.10', '203.0.113.11'];

export type { SimulatorStats };

interface Request {
  query: URLSearchParams;
  /** Parsed JSON body; `undefined` when the body was empty. */
  json: () => unknown;
}

type Answer = { status: number; body: unknown };
type Route = (request: Request) => Answer | Promise<Answer>;

export interface HandlerDeps {
  state: SimulatorState;
  subscribe: SubscribeState;
  phone: PhoneState;
  push: PushSender;
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
    'POST /cgi-bin/message/subscribe/send': ({ query, json }) => {
      const token = query.get('access_token');
      if (!token) return wire(41001);
      const check = state.checkAccessToken(token);
      if (check !== 0) return wire(check);
      const body = json();
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return wire(47001);
      const result = deps.subscribe.send(body as Record<string, unknown>);
      if ('msgid' in result) return wire({ errcode: 0, errmsg: 'ok', msgid: result.msgid });
      return { status: 200, body: errorBody(result.errcode, result.detail) };
    },
    'POST /wxa/business/getuserphonenumber': ({ query, json }) => {
      const token = query.get('access_token');
      if (!token) return wire(41001);
      const check = state.checkAccessToken(token);
      if (check !== 0) return wire(check);
      const body = json();
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return wire(47001);
      return wire(deps.phone.exchange(body as Record<string, unknown>));
    },
    'POST /__sandbox/phone-codes': ({ json }) => ({
      status: 200,
      body: { code: deps.phone.mint(json()), expires_in: deps.codeTtlSeconds },
    }),
    'GET /__sandbox/phone-exchanges': ({ query }) => ({
      status: 200,
      body: { exchanges: deps.phone.exchanges(query.get('openid') ?? undefined) },
    }),
    'POST /__sandbox/templates': ({ json }) => ({ status: 200, body: deps.subscribe.addTemplate(json()) }),
    'GET /__sandbox/templates': () => ({ status: 200, body: { templates: deps.subscribe.listTemplates() } }),
    'POST /__sandbox/subscriptions': ({ json }) => ({
      status: 200,
      body: deps.subscribe.addSubscription(json()),
    }),
    'GET /__sandbox/subscriptions': ({ query }) => ({
      status: 200,
      body: {
        remaining: deps.subscribe.remaining(query.get('openid') ?? '', query.get('templateId') ?? ''),
      },
    }),
    'POST /__sandbox/pages': ({ json }) => ({ status: 200, body: deps.subscribe.addPages(json()) }),
    'GET /__sandbox/subscribe-messages': ({ query }) => ({
      status: 200,
      body: { messages: deps.subscribe.delivered(query.get('touser') ?? undefined) },
    }),
    'POST /__sandbox/push-config': ({ json }) => ({ status: 200, body: deps.push.configure(json()) }),
    'POST /__sandbox/push': async ({ json }) => ({ status: 200, body: await deps.push.push(json()) }),
    'GET /__sandbox/push-attempts': () => ({ status: 200, body: { attempts: deps.push.attempts() } }),
    'POST /__sandbox/login-code': ({ json }) => {
      const b = asObject(json());
      if (typeof b.openid !== 'string' || b.openid === '' || b.openid.length > 128) {
        throw new BadRequest('openid must be a non-empty string');
      }
      if (b.unionid !== undefined && (typeof b.unionid !== 'string' || b.unionid === '')) {
        throw new BadRequest('unionid must be a non-empty string');
      }
      const code = state.mintLoginCode(b.openid, b.unionid as string | undefined);
      deps.subscribe.knowOpenid(b.openid);
      return { status: 200, body: { code, expires_in: deps.codeTtlSeconds } };
    },
    'POST /__sandbox/clock': ({ json }) => ({
      status: 200,
      body: sandboxAdvanceClock(state, asObject(json())),
    }),
    'POST /__sandbox/faults': ({ json }) => ({
      status: 200,
      body: sandboxAddFault(faults, parseFault, json()),
    }),
    'DELETE /__sandbox/faults': () => ({ status: 200, body: sandboxClearFaults(faults) }),
  };
  const knownPaths = routePaths(routes);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return sendJson(res, 400, { error: 'bad request line' });
    }
    const path = url.pathname;
    countRequest(deps.stats, knownPaths, path);

    const raw = await readBody(req);
    if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });

    const fault = path.startsWith('/__sandbox/') ? undefined : faults.take(path);
    if (await delayOrDrop(fault, req, res, deps.timers)) return;
    if (fault?.errcode !== undefined) return sendJson(res, 200, errorBody(fault.errcode));

    const route = routes[`${req.method} ${path}`];
    if (!route) return sendJson(res, 404, { error: 'not found' });
    const json = () => {
      if (raw.length === 0) throw new BadRequest('JSON body required');
      try {
        return JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw new BadRequest('invalid JSON');
      }
    };
    try {
      const answer = await route({ query: url.searchParams, json });
      sendJson(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { errcode: -1, errmsg: 'system error' });
    });
  };
}
