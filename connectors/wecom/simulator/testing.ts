// Raw HTTP helpers and fixtures for WeCom simulator tests: they look at the wire, not through the client.
import type { WecomOrgFixture } from './org';

export const CORP = {
  corpId: 'wwsimcorp0123456789',
  corpSecret: 'sim-wecom-secret-0123456789abcdefghijklmno',
};

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
  const { body } = await getJson(base, '/cgi-bin/gettoken', {
    corpid: CORP.corpId,
    corpsecret: CORP.corpSecret,
  });
  return body.access_token as string;
}

/** A corp with one department (2) of `members` users (`u0001`…) led by `u0001`; each also in dept 3. */
export function bigOrg(members: number): WecomOrgFixture {
  const users = Array.from({ length: members }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return { userid: `u${n}`, name: `用户${n}`, departments: [2, 3] };
  });
  return {
    departments: [
      { id: 1, name: '根部门', parentId: 0 },
      { id: 2, name: '大厅', parentId: 1, leaders: ['u0001'] },
      { id: 3, name: '值班组', parentId: 2 },
    ],
    users,
  };
}
