import { afterAll, beforeAll } from 'vitest';
import { describeSimulatorFuzz } from '../../core/testing/simulator-fuzz';
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

describeSimulatorFuzz(() => ({ base, token, clearFaults: () => sim.clearFaults() }), {
  wire: [
    '/gettoken',
    '/topapi/v2/user/getuserinfo',
    '/topapi/v2/user/get',
    '/topapi/v2/user/list',
    '/topapi/user/listid',
    '/topapi/v2/department/listsub',
    '/topapi/v2/department/get',
    '/topapi/unknown/method',
  ],
  sandbox: ['/__sandbox/auth-code', '/__sandbox/clock', '/__sandbox/faults', '/__sandbox/org'],
  names: ['appkey', 'appsecret', 'access_token', 'code', 'userid', 'dept_id', 'cursor', 'size', '__proto__'],
  bodyKeys: ['departments', 'users', 'advanceSeconds'],
  values: [1, 2, 10, 11, 0, -1, 101, 'lina', 'mayor'],
});
