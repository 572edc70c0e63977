import { BadRequest, type SandboxRoutes } from '../../core/simulator/sandbox';
import type { createApprovalWire } from './approval-wire';
import type { ApprovalStore } from './approvals';
import type { EventHub } from './events';
import type { CheckUrlResult, HttpCallbackAttempt, HttpCallbackSubscription } from './http-sink';
import type { NotificationStore } from './notifications';
import type { PatternRoute } from './router';
import type { WireRoute } from './server';
import type { DingtalkState } from './state';
import type { TodoStore } from './todos';
import { V1 } from './v1-errors';
import type { PatternSandboxRoute, V1Route } from './v1-handler';

/** The HTTP event subscription of the app (one URL at a time, as in the console). */
export interface CallbackRegistry {
  /** Check the URL with `check_url`; on success it replaces the previous subscription. */
  register(subscription: HttpCallbackSubscription): Promise<CheckUrlResult>;
  attempts(): HttpCallbackAttempt[];
}

export interface MessagingRouteDeps {
  state: DingtalkState;
  appKey: string;
  todos: TodoStore;
  notifications: NotificationStore;
  approvals: ApprovalStore;
  approvalWire: ReturnType<typeof createApprovalWire>;
  events: EventHub;
  callbacks: CallbackRegistry;
}

const text = (value: unknown, name: string, min = 1, max = 256): string => {
  if (typeof value !== 'string' || value.length < min || value.length > max)
    throw new BadRequest(`${name} must be a string of ${min}..${max} characters`);
  return value;
};

/** 待办, 工作通知, approval and event routes on both generations, plus their sandbox controls. */
export function createMessagingRoutes(deps: MessagingRouteDeps) {
  const { state, todos, notifications, approvalWire: aw } = deps;

  const oapi: Record<string, WireRoute> = {
    'POST /topapi/message/corpconversation/asyncsend_v2': {
      auth: true,
      handle: ({ body }) => notifications.send(body),
    },
    'POST /topapi/message/corpconversation/getsendprogress': {
      auth: true,
      handle: ({ body }) => notifications.progress(body),
    },
    'POST /topapi/message/corpconversation/getsendresult': {
      auth: true,
      handle: ({ body }) => notifications.result(body),
    },
    'POST /topapi/message/corpconversation/recall': {
      auth: true,
      handle: ({ body }) => notifications.recall(body),
    },
    'POST /topapi/processinstance/create': { auth: true, handle: ({ body }) => aw.oldCreate(body) },
    'POST /topapi/processinstance/get': { auth: true, handle: ({ body }) => aw.oldGet(body) },
  };

  const tasks = '/v1.0/todo/users/{unionId}/tasks';
  const v1: PatternRoute<V1Route>[] = [
    {
      key: 'POST /v1.0/oauth2/accessToken',
      handler: {
        auth: false,
        handle: ({ body }) => {
          const key = typeof body.appKey === 'string' ? body.appKey : null;
          const secret = typeof body.appSecret === 'string' ? body.appSecret : null;
          const result = state.gettoken(key, secret);
          if ('errcode' in result) return { error: V1.badClient };
          return { body: { accessToken: result.body.access_token, expireIn: result.body.expires_in } };
        },
      },
    },
    {
      key: `POST ${tasks}/list`,
      handler: { auth: true, handle: (r) => todos.list(r.params.unionId!, r.body) },
    },
    {
      key: `GET ${tasks}/sources/{sourceId}`,
      handler: { auth: true, handle: (r) => todos.getBySource(r.params.unionId!, r.params.sourceId!) },
    },
    {
      key: `PUT ${tasks}/{taskId}/executorStatus`,
      handler: {
        auth: true,
        handle: (r) => todos.executorStatus(r.params.unionId!, r.params.taskId!, r.body),
      },
    },
    { key: `POST ${tasks}`, handler: { auth: true, handle: (r) => todos.create(r.params.unionId!, r.body) } },
    {
      key: `PUT ${tasks}/{taskId}`,
      handler: { auth: true, handle: (r) => todos.update(r.params.unionId!, r.params.taskId!, r.body) },
    },
    {
      key: `GET ${tasks}/{taskId}`,
      handler: { auth: true, handle: (r) => todos.get(r.params.unionId!, r.params.taskId!) },
    },
    {
      key: `DELETE ${tasks}/{taskId}`,
      handler: { auth: true, handle: (r) => todos.remove(r.params.unionId!, r.params.taskId!) },
    },
    {
      key: 'POST /v1.0/workflow/processInstances/execute',
      handler: { auth: true, handle: (r) => aw.v1Execute(r.body) },
    },
    {
      key: 'POST /v1.0/workflow/processInstances/terminate',
      handler: { auth: true, handle: (r) => aw.v1Terminate(r.body) },
    },
    {
      key: 'POST /v1.0/workflow/processInstances',
      handler: { auth: true, handle: (r) => aw.v1Create(r.body) },
    },
    { key: 'GET /v1.0/workflow/processInstances', handler: { auth: true, handle: (r) => aw.v1Get(r.query) } },
  ];

  const sandbox: SandboxRoutes = {
    'GET /__sandbox/todos': ({ query }) => ({ todos: todos.snapshot(text(query.get('unionId'), 'unionId')) }),
    'GET /__sandbox/notifications': ({ query }) => ({
      notifications: notifications.inboxOf(text(query.get('userid'), 'userid')),
    }),
    'GET /__sandbox/events': () => ({ events: deps.events.published() }),
    'POST /__sandbox/events/quirks': ({ body }) => {
      const { duplicate, reorder } = body ?? {};
      if (![duplicate, reorder].every((v) => v === undefined || typeof v === 'boolean'))
        throw new BadRequest('duplicate and reorder must be booleans');
      deps.events.setQuirks({ duplicate: duplicate === true, reorder: reorder === true });
      return { ok: true };
    },
    'GET /__sandbox/callback-url/attempts': () => ({ attempts: deps.callbacks.attempts() }),
  };

  const patternSandbox: PatternRoute<PatternSandboxRoute>[] = [
    {
      key: 'POST /__sandbox/callback-url',
      handler: async ({ body }) =>
        deps.callbacks.register({
          url: text(body?.url, 'url', 8, 2048),
          token: text(body?.token, 'token', 3, 64),
          aesKey: text(body?.aesKey, 'aesKey', 43, 43),
          ownerKey: body?.ownerKey === undefined ? deps.appKey : text(body.ownerKey, 'ownerKey'),
        }),
    },
    {
      key: 'GET /__sandbox/approvals/{id}',
      handler: ({ params }) => {
        const found = aw.snapshot(params.id!);
        if (!found) throw new BadRequest('no such approval instance');
        return found;
      },
    },
    {
      key: 'POST /__sandbox/approvals/{id}/decide',
      handler: ({ params, body }) => {
        const result = body?.result;
        if (result !== 'agree' && result !== 'refuse')
          throw new BadRequest("result must be 'agree' or 'refuse'");
        const remark = body?.remark === undefined ? '' : text(body.remark, 'remark', 0, 2000);
        const problem = deps.approvals.decide(params.id!, {
          userid: text(body?.userid, 'userid'),
          result,
          remark,
        });
        if (problem) throw new BadRequest(problem);
        return aw.snapshot(params.id!);
      },
    },
    {
      key: 'DELETE /__sandbox/todos/{taskId}',
      handler: ({ params }) => {
        if (!todos.removeByHand(params.taskId!)) throw new BadRequest('no such todo');
        return { ok: true };
      },
    },
    {
      key: 'POST /__sandbox/todos/{taskId}/complete',
      handler: ({ params }) => {
        if (!todos.completeByHand(params.taskId!)) throw new BadRequest('no such todo');
        return { ok: true };
      },
    },
  ];

  return { oapi, sandbox, v1, patternSandbox };
}
