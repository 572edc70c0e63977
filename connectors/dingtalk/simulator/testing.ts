// Raw HTTP helpers and fixtures for DingTalk simulator tests: they look at the wire, not through the client.
import type { DingtalkOrgFixture } from './org';

export const APP = { appKey: 'dingsimappkey0001', appSecret: 'sim-dingtalk-secret-0123456789abcdef' };

export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function answer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function getJson(
  base: string,
  path: string,
  query: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return answer(await fetch(url));
}

export async function postJson(
  base: string,
  path: string,
  body: unknown,
  query: Record<string, string> = {},
  method = 'POST',
): Promise<RawAnswer> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return answer(await fetch(url, init));
}

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
