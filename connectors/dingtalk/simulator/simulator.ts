import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import { createSimulatorListener } from '../../core/simulator/listener';
import { copyStats } from '../../core/simulator/request-stats';
import { BadRequest } from '../../core/simulator/sandbox';
import { OPEN_CONNECTION_PATH } from '../stream/open-connection';
import { StreamGatewaySimulator, type StreamGatewaySimulatorOptions } from '../stream/simulator';
import { streamSandboxRoutes } from '../stream/simulator-server';
import { createApprovalWire } from './approval-wire';
import { createApprovalStore } from './approvals';
import { errorBody } from './errcodes';
import {
  createEventHub,
  type DingtalkEventSink,
  type DingtalkSimulatorEvent,
  type EventDeliveryQuirks,
} from './events';
import { createFaultRegistry, type DingtalkSimulatorFault } from './faults';
import {
  type CheckUrlResult,
  createHttpCallbackSink,
  type HttpCallbackAttempt,
  type HttpCallbackSink,
  type HttpCallbackSubscription,
} from './http-sink';
import { type CallbackRegistry, createMessagingRoutes } from './messaging-routes';
import { createNotificationStore } from './notifications';
import type { DingtalkOrgFixture } from './org';
import type { PatternRoute } from './router';
import { createRequestHandler, type RateLimits, type SimulatorStats } from './server';
import { createDingtalkState } from './state';
import { createTodoStore } from './todos';
import { V1, v1ErrorBody } from './v1-errors';
import { createV1Handler, type V1Route } from './v1-handler';

export interface DingtalkSimulatorOptions {
  appKey: string;
  appSecret: string;
  /** access_token lifetime. Default 7200 s (platforms.md §2.2). */
  tokenTtlSeconds?: number;
  /** authCode lifetime. Default 300 s (platforms.md §2.3 "~5 min" [BG]). */
  codeTtlSeconds?: number;
  /** Org to serve. Default {@link DEMO_DINGTALK_ORG}. */
  org?: DingtalkOrgFixture;
  /** Flow control (platforms.md §2.7). Default 20/s per app and API, 1000/s per API overall. */
  rateLimits?: Partial<RateLimits>;
  /** AgentId of the app (工作通知, old approval API). Default 3000000001. */
  agentId?: number;
  /** corpId in events. Default `dingsimcorp0000000001`. */
  corpId?: string;
  /** Cards per page of the todo list. Default 50. */
  todoPageSize?: number;
  /** Time from asyncsend_v2 to a finished send (simulator clock). Default 1000 ms. */
  notificationDelayMs?: number;
  /** Work notifications per user per day. Default 500 (internal apps, platforms.md §2.5). */
  notificationDailyLimit?: number;
  /** HTTP push: reply deadline (default 1500 ms) and waits before retries (default 1 s, 5 s, 30 s). */
  callback?: { replyTimeoutMs?: number; retryDelaysMs?: number[] };
  /** Stream mode gateway on the same port (ack timeout, redelivery backoff, ticket lifetime …). */
  stream?: Omit<StreamGatewaySimulatorOptions, 'endpoint'>;
}

/** Per todo sourceId: todos created, creates refused as duplicates, todos existing now. */
export type TodoEffects = Record<string, { created: number; duplicateRejected: number; existing: number }>;

/** Paths chaos spares unless listed: the token endpoints and Stream registration. */
export const DINGTALK_TOKEN_PATHS = ['/gettoken', '/v1.0/oauth2/accessToken', OPEN_CONNECTION_PATH];

/**
 * An in-process fake of `oapi.dingtalk.com` for one internal app (platforms.md §2).
 *
 * Wire endpoints (oapi): `GET /gettoken`, `POST /topapi/v2/user/getuserinfo`, `POST /topapi/v2/user/get`,
 * `POST /topapi/v2/user/list`, `POST /topapi/user/listid`, `POST /topapi/v2/department/listsub`,
 * `POST /topapi/v2/department/get`. Answers are HTTP 200 `{errcode, errmsg, request_id, …}`; a bad token
 * is errcode 88 with sub_code 40014; unknown `/topapi/*` methods errcode 22; other paths HTTP 404.
 * Also 工作通知 `POST /topapi/message/corpconversation/{asyncsend_v2,getsendprogress,getsendresult,recall}`
 * and approval `POST /topapi/processinstance/{create,get}`.
 *
 * New generation on the same server (`/v1.0/…`, header `x-acs-dingtalk-access-token`, HTTP 4xx/5xx
 * `{code, message, requestid}`): `POST /v1.0/oauth2/accessToken`; 待办 `POST|GET|PUT|DELETE
 * /v1.0/todo/users/{unionId}/tasks[/{taskId}[/executorStatus]|/sources/{sourceId}|/list]`; workflow
 * `POST|GET /v1.0/workflow/processInstances`, `POST …/execute`, `POST …/terminate`. Rate limits count
 * per route template; bad tokens are 400 InvalidAuthentication.
 *
 * Events (`bpms_instance_change`, `bpms_task_change`) go to every {@link DingtalkEventSink}: the HTTP
 * push registered with `POST /__sandbox/callback-url`, and any sink added with `addEventSink`.
 *
 * Sandbox endpoints, which **do not exist on the real platform** (tests and demos only):
 * - `POST /__sandbox/auth-code {userid}` → `{code, expires_in}` (what `dd.requestAuthCode` would yield)
 * - `POST /__sandbox/clock {advanceSeconds}` → `{now}`
 * - `POST /__sandbox/faults {path, errcode?, subCode?, latencyMs?, drop?, x5?, times?}`; `DELETE /__sandbox/faults`
 * - `GET /__sandbox/org`; `PUT /__sandbox/org {departments, users}` (replaces the org)
 * - faults on `/v1.0/…` paths (the concrete path): `{path, code, status?}` answers that v1.0 error;
 *   an `errcode` is translated (90018 → 403 QpsLimitForAppkeyAndApi, -1 → 500 systemError, …)
 * - `GET /__sandbox/todos?unionId=` → `{todos}`; `DELETE /__sandbox/todos/{taskId}` and
 *   `POST /__sandbox/todos/{taskId}/complete` change a todo behind the gateway's back (drift)
 * - `GET /__sandbox/notifications?userid=` → `{notifications}` (what that user received)
 * - `GET /__sandbox/approvals/{id}`; `POST /__sandbox/approvals/{id}/decide {userid, result:
 *   'agree'|'refuse', remark?}` (an approver acts in the DingTalk app; emits the bpms events)
 * - `POST /__sandbox/callback-url {url, token, aesKey, ownerKey?}` → `{ok: true}` or `{ok: false,
 *   errcode: 71009, errmsg, reason}` after the `check_url` handshake (reply due within 1500 ms);
 *   `GET /__sandbox/callback-url/attempts` → `{attempts}`
 * - `GET /__sandbox/events` → `{events}` (published log); `POST /__sandbox/events/quirks
 *   {duplicate?, reorder?}` (test-only delivery faults for every sink)
 * - `PUT|GET|DELETE /__sandbox/chaos` (see `core/simulator/chaos.ts`): random errors (oapi HTTP 200
 *   errcode −1, v1.0 HTTP 500 systemError), latency, timeouts, resets, lost replies; duplicates and
 *   reordering of events to every sink (HTTP push and Stream)
 * - `GET /__sandbox/effects` → `{todos: {sourceId: {created, duplicateRejected, existing}}, notifications,
 *   approvals}`; `GET /__sandbox/todos/all` → `{todos}`
 *
 * Stream mode on the same port (platforms.md §2.9): `POST /v1.0/gateway/connections/open {clientId =
 * appKey, clientSecret = appSecret, subscriptions}` → `{endpoint, ticket}`, the WebSocket at `/connect`,
 * and the `/__sandbox/stream/*` routes of `streamSandboxRoutes`. Once a client has registered, events
 * also go to Stream (queued, at least once, until some connection acks them).
 */
export interface DingtalkSimulator {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections and delayed answers. */
  close(): Promise<void>;
  /** Base URL; throws before {@link DingtalkSimulator.listen} resolved. */
  readonly url: string;
  /** A fresh single-use authCode for a member of the org (throws for an unknown userid). */
  mintAuthCode(userid: string): string;
  /** Move the simulator clock (`Date.now() + offset`) forward. */
  advanceClock(seconds: number): void;
  /** Replace the org; throws when the fixture is inconsistent (unknown parent, cycle, unknown leader…). */
  setOrg(org: DingtalkOrgFixture): void;
  /** A copy of the current org. */
  getOrg(): DingtalkOrgFixture;
  /** Invalidate the issued access token at once (the next API call answers 88/40014). */
  revokeAccessToken(): void;
  /** Queue a fault for the next `times` calls to `fault.path`. */
  setFault(fault: DingtalkSimulatorFault): void;
  clearFaults(): void;
  /** Request counters since start (a copy). */
  stats(): SimulatorStats;
  /** True when `token` would be accepted by a topapi call now. */
  isAccessTokenValid(token: string): boolean;
  /** Deliver every future event to `sink` too (e.g. the Stream gateway); returns a remover. */
  addEventSink(sink: DingtalkEventSink): () => void;
  /** Test-only delivery faults for every sink. */
  setEventQuirks(quirks: EventDeliveryQuirks): void;
  /** Every event published so far (duplicates included). */
  events(): DingtalkSimulatorEvent[];
  /** Same as `POST /__sandbox/callback-url`. */
  registerCallbackUrl(subscription: HttpCallbackSubscription): Promise<CheckUrlResult>;
  /** Push attempts of the current HTTP subscription. */
  callbackAttempts(): HttpCallbackAttempt[];
  /** Same as `POST /__sandbox/approvals/{id}/decide`; returns an error text or undefined. */
  decideApproval(
    id: string,
    decision: { userid: string; result: 'agree' | 'refuse'; remark?: string },
  ): string | undefined;
  /** Set the chaos (same body as `PUT /__sandbox/chaos`); `null` turns it off. */
  chaos(options: Partial<ChaosSettings> | null): void;
  /** The chaos control itself (settings and counts). */
  readonly chaosControl: SimulatorChaos;
  /** The Stream gateway served on this simulator's port. */
  readonly stream: StreamGatewaySimulator;
  /** Every todo now. */
  todos(): Record<string, unknown>[];
  /** Per todo sourceId: created, refused as duplicates, existing. */
  todoEffects(): TodoEffects;
}

export function createDingtalkSimulator(opts: DingtalkSimulatorOptions): DingtalkSimulator {
  const codeTtlSeconds = opts.codeTtlSeconds ?? 300;
  const state = createDingtalkState({
    appKey: opts.appKey,
    appSecret: opts.appSecret,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
    codeTtlSeconds,
    ...(opts.org ? { org: opts.org } : {}),
  });
  const faults = createFaultRegistry<DingtalkSimulatorFault>();
  const stats: SimulatorStats = { total: 0, byPath: {} };
  const timers = new Set<NodeJS.Timeout>();
  const limits: RateLimits = { appQps: 20, globalQps: 1000, ...opts.rateLimits };
  const agentId = opts.agentId ?? 3_000_000_001;
  const events = createEventHub({ corpId: opts.corpId ?? 'dingsimcorp0000000001', now: state.now });
  const chaos = createSimulatorChaos(
    {
      errorAnswer: (path) =>
        path.startsWith('/v1.0/')
          ? { status: V1.systemError.status, body: v1ErrorBody(V1.systemError) }
          : { status: 200, body: errorBody(-1) },
      sparedPaths: DINGTALK_TOKEN_PATHS,
    },
    timers,
  );
  /** Every sink gets its events through chaos (duplicates, reordering). */
  const addSink = (sink: DingtalkEventSink) =>
    events.addSink({ publish: (event) => chaos.deliver(() => sink.publish(event)) });
  const stream = new StreamGatewaySimulator(opts.stream ?? {});
  let streamRegistered = false;
  addSink({
    publish: (event) => {
      if (streamRegistered || stream.connections().length > 0) stream.publish(event);
    },
  });
  const openRoute: PatternRoute<V1Route> = {
    key: `POST ${OPEN_CONNECTION_PATH}`,
    handler: {
      auth: false,
      handle: ({ body }) => {
        const answer = stream.handleOpen(body, {
          checkCredentials: (id, secret) => id === opts.appKey && secret === opts.appSecret,
        });
        if (answer.status !== 200) {
          const { code, message } = answer.body as { code: string; message: string };
          return { error: { status: answer.status, code, message } };
        }
        streamRegistered = true;
        return { body: answer.body };
      },
    },
  };
  const isUserid = (id: string) => state.users().some((u) => u.userid === id);
  const todos = createTodoStore({
    now: state.now,
    isUnionId: (id) => state.users().some((u) => u.unionid === id),
    pageSize: opts.todoPageSize ?? 50,
  });
  const notifications = createNotificationStore({
    now: state.now,
    agentId,
    isUserid,
    allUserids: () => state.users().map((u) => u.userid),
    deptMemberIds: (id) => state.deptMemberIds(id),
    deliveryDelayMs: opts.notificationDelayMs ?? 1000,
    dailyLimit: opts.notificationDailyLimit ?? 500,
  });
  const approvals = createApprovalStore({
    now: state.now,
    corpId: opts.corpId ?? 'dingsimcorp0000000001',
    userName: (id) => state.users().find((u) => u.userid === id)?.name,
    events,
  });
  const approvalWire = createApprovalWire({ store: approvals, agentId, isUserid });

  let httpSink: { sink: HttpCallbackSink; remove: () => void } | null = null;
  const callbacks: CallbackRegistry = {
    async register(subscription) {
      let sink: HttpCallbackSink;
      try {
        sink = createHttpCallbackSink({ subscription, now: state.now, ...opts.callback });
      } catch {
        throw new BadRequest('url or aesKey is invalid');
      }
      const result = await sink.checkUrl();
      if (!result.ok) {
        sink.close();
        return result;
      }
      httpSink?.sink.close();
      httpSink?.remove();
      httpSink = { sink, remove: addSink(sink) };
      return result;
    },
    attempts: () => httpSink?.sink.attempts() ?? [],
  };

  const routes = createMessagingRoutes({
    state,
    appKey: opts.appKey,
    todos,
    notifications,
    approvals,
    approvalWire,
    events,
    callbacks,
  });
  const oapiHandler = createRequestHandler({
    state,
    faults,
    stats,
    limits,
    codeTtlSeconds,
    timers,
    extraWire: routes.oapi,
    extraSandbox: {
      ...routes.sandbox,
      ...streamSandboxRoutes(stream),
      'GET /__sandbox/todos/all': () => ({ todos: todos.all() }),
      'GET /__sandbox/effects': () => ({
        todos: todos.effects(),
        notifications: notifications.count(),
        approvals: approvals.count(),
      }),
    },
  });
  const handler = createV1Handler({
    state,
    faults,
    stats,
    limits,
    timers,
    v1Routes: [openRoute, ...routes.v1],
    sandboxRoutes: routes.patternSandbox,
    fallback: oapiHandler,
  });
  const listener = createSimulatorListener('DingTalk', handler, timers, chaos);
  stream.attach(listener.server, '/connect');

  return {
    listen: listener.listen,
    async close() {
      httpSink?.sink.close();
      await stream.close();
      return listener.close();
    },
    get url() {
      return listener.url();
    },
    mintAuthCode: (userid) => state.mintAuthCode(userid),
    advanceClock: (seconds) => state.advanceClock(seconds),
    setOrg: (org) => state.setOrg(org),
    getOrg: () => state.getOrg(),
    revokeAccessToken: () => state.revokeAccessToken(),
    setFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    stats: () => copyStats(stats),
    isAccessTokenValid: (token) => state.checkAccessToken(token) === 0,
    addEventSink: (sink) => addSink(sink),
    setEventQuirks: (quirks) => events.setQuirks(quirks),
    events: () => events.published(),
    registerCallbackUrl: (subscription) => callbacks.register(subscription),
    callbackAttempts: () => callbacks.attempts(),
    decideApproval: (id, decision) => approvals.decide(id, { ...decision, remark: decision.remark ?? '' }),
    chaos: (options) => {
      if (options === null) chaos.clear();
      else chaos.set(options);
    },
    chaosControl: chaos,
    stream,
    todos: () => todos.all(),
    todoEffects: () => todos.effects(),
  };
}
