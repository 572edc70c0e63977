import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzBody } from '../../core/testing/simulator-fuzz';
import { createDingtalkSimulator, type DingtalkSimulator } from './simulator';
import { APP, fetchToken } from './testing';

let sim: DingtalkSimulator;
let base: string;
let token: string;

beforeAll(async () => {
  sim = createDingtalkSimulator({ ...APP, rateLimits: { appQps: 1e6, globalQps: 1e6 } });
  base = await sim.listen(0);
  token = await fetchToken(base);
});
afterAll(() => sim.close());

const V1_PATHS = [
  '/v1.0/oauth2/accessToken',
  '/v1.0/todo/users/u-lina/tasks',
  '/v1.0/todo/users/u-lina/tasks/list',
  '/v1.0/todo/users/u-lina/tasks/task1',
  '/v1.0/todo/users/u-lina/tasks/task1/executorStatus',
  '/v1.0/todo/users/u-ghost/tasks/sources/%E0%A4%A',
  '/v1.0/workflow/processInstances',
  '/v1.0/workflow/processInstances/execute',
  '/v1.0/workflow/processInstances/terminate',
  '/v1.0/unknown',
];
const OAPI_PATHS = [
  '/topapi/message/corpconversation/asyncsend_v2',
  '/topapi/message/corpconversation/getsendprogress',
  '/topapi/message/corpconversation/getsendresult',
  '/topapi/message/corpconversation/recall',
  '/topapi/processinstance/create',
  '/topapi/processinstance/get',
];
const SANDBOX_PATHS = [
  '/__sandbox/todos',
  '/__sandbox/todos/x/complete',
  '/__sandbox/notifications',
  '/__sandbox/approvals/x',
  '/__sandbox/approvals/x/decide',
  '/__sandbox/events/quirks',
  '/__sandbox/callback-url',
];
const KEYS = [
  'subject',
  'detailUrl',
  'executorIds',
  'sourceId',
  'dueTime',
  'nextToken',
  'isDone',
  'roleTypes',
  'executorStatusList',
  'processCode',
  'originatorUserId',
  'deptId',
  'approvers',
  'formComponentValues',
  'processInstanceId',
  'taskId',
  'agent_id',
  'userid_list',
  'dept_id_list',
  'to_all_user',
  'msg',
  'task_id',
  'msg_task_id',
  'process_code',
  'originator_user_id',
  'approvers_v2',
  'form_component_values',
  'userid',
  'result',
  'url',
  'aesKey',
  '__proto__',
];
const VALUES = [3_000_000_001, 11, 'u-lina', 'lina', 'agree', 'AND', 'OR', 'text', '1', -1, 0];

describe('v1.0, messaging and sandbox routes (property)', () => {
  it('random requests never crash the simulator and keep each generation’s error shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...V1_PATHS, ...OAPI_PATHS, ...SANDBOX_PATHS),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.boolean(),
        fuzzBody(KEYS, VALUES),
        async (path, method, withToken, payload) => {
          const url = new URL(path, base);
          if (withToken) url.searchParams.set('access_token', token);
          const init: RequestInit = {
            method,
            headers: withToken ? { 'x-acs-dingtalk-access-token': token } : {},
          };
          if (method !== 'GET' && !path.startsWith('/__sandbox/callback-url')) init.body = payload;
          const response = await fetch(url, init);
          const body = (await response.json()) as Record<string, unknown>;
          if (path.startsWith('/v1.0/')) {
            if (response.status !== 200) {
              expect(response.status).toBeGreaterThanOrEqual(400);
              expect(typeof body.code).toBe('string');
              expect(typeof body.requestid).toBe('string');
            }
          } else if (path.startsWith('/topapi/')) {
            expect(typeof body.errcode).toBe('number');
          } else {
            expect([200, 400, 404]).toContain(response.status);
          }
          sim.clearFaults();
        },
      ),
      { numRuns: 400 },
    );
  });
});
