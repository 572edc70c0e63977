import { afterAll, beforeAll } from 'vitest';
import { describeSimulatorFuzz } from '../../core/testing/simulator-fuzz';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP, fetchToken } from './testing';

let sim: WecomSimulator;
let base: string;
let token: string;

beforeAll(async () => {
  sim = createWecomSimulator({ ...CORP, rateLimits: { callsPerMinute: 1e9 } });
  base = await sim.listen(0);
  token = await fetchToken(base);
});
afterAll(() => sim.close());

describeSimulatorFuzz(() => ({ base, token, clearFaults: () => sim.clearFaults() }), {
  wire: [
    '/cgi-bin/gettoken',
    '/cgi-bin/auth/getuserinfo',
    '/cgi-bin/department/list',
    '/cgi-bin/user/list',
    '/cgi-bin/user/simplelist',
    '/cgi-bin/user/get',
    '/cgi-bin/user/list_id',
  ],
  sandbox: ['/__sandbox/auth-code', '/__sandbox/clock', '/__sandbox/faults', '/__sandbox/org'],
  names: [
    'corpid',
    'corpsecret',
    'access_token',
    'code',
    'userid',
    'id',
    'department_id',
    'cursor',
    'limit',
    'openid',
    '__proto__',
  ],
  bodyKeys: ['departments', 'users', 'advanceSeconds', 'scope', 'external_userid'],
  values: [1, 2, 3, 0, -1, 10_001, 'LiNa', 'b0', 'snsapi_privateinfo'],
});
