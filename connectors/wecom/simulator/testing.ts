// Raw HTTP helpers and fixtures for WeCom simulator tests: they look at the wire, not through the client.
import { getJson } from '../../core/testing/raw-http';
import type { WecomOrgFixture } from './org';

export { getJson, postJson, type RawAnswer } from '../../core/testing/raw-http';

export const CORP = {
  corpId: 'wwsimcorp0123456789',
  corpSecret: 'sim-wecom-secret-0123456789abcdefghijklmno',
};

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
