// Raw HTTP helpers and fixtures for DingTalk simulator tests: they look at the wire, not through the client.
import { getJson } from '../../core/testing/raw-http';
import { createDingtalkClient, createMemoryTokenCache } from '../client';
import type { DingtalkOrgFixture } from './org';
import { createDingtalkSimulator, type DingtalkSimulatorOptions } from './simulator';

export { getJson, postJson, type RawAnswer } from '../../core/testing/raw-http';

export const APP = {
  appKey: 'dingsimappkey0001',
  appSecret: 'sim-dingtalk-secret-0123456789abcdef',
  agentId: 3_000_000_001,
};

/** A simulator and a client on it (both generations on the same base URL). */
export async function startSimAndClient(options: Partial<DingtalkSimulatorOptions> = {}) {
  const sim = createDingtalkSimulator({ ...APP, ...options });
  const base = await sim.listen(0);
  const client = createDingtalkClient(
    { ...APP, apiBase: base, v1ApiBase: base, timeoutMs: 2000 },
    { tokenCache: createMemoryTokenCache() },
  );
  return { sim, base, client };
}

/** The rejection of `promise` (fails the test when it resolves). */
export const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );

export async function fetchToken(base: string): Promise<string> {
  const { body } = await getJson(base, '/gettoken', { appkey: APP.appKey, appsecret: APP.appSecret });
  return body.access_token as string;
}

/** An org with one department of `members` users (`u0001`…), under the root, led by `u0001`. */
export function bigOrg(members: number): DingtalkOrgFixture {
  const users = Array.from({ length: members }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return { userid: `u${n}`, unionid: `union-${n}`, name: `用户${n}`, deptIds: [2] };
  });
  return {
    departments: [
      { deptId: 1, name: '根部门' },
      { deptId: 2, name: '大厅', parentId: 1, managerUserids: ['u0001'] },
    ],
    users,
  };
}
