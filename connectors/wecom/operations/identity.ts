import type { WecomHttp } from '../transport/http';
import { reader } from './parse';

/**
 * Who signed in, from `GET /cgi-bin/auth/getuserinfo` (platforms.md §3.2): a member of the corp, or a
 * non-member (an `openid`, plus `external_userid` when the person is an external contact).
 */
export type WecomIdentity =
  | {
      kind: 'member';
      userid: string /** Only with scope snsapi_privateinfo; valid 1800 s. */;
      userTicket?: string;
    }
  | { kind: 'non-member'; openid: string; externalUserid?: string };

const PATH = '/cgi-bin/auth/getuserinfo';

/** Exchange an OAuth2 `code` (single-use, 5 min) for the identity. */
export async function getUserIdentityByCode(
  http: WecomHttp,
  accessToken: string,
  code: string,
): Promise<WecomIdentity> {
  const r = reader(PATH);
  const body = await http.get(PATH, { access_token: accessToken, code });
  const userid = r.optionalString(body.userid);
  if (userid !== undefined) {
    const ticket = r.optionalString(body.user_ticket);
    return ticket === undefined ? { kind: 'member', userid } : { kind: 'member', userid, userTicket: ticket };
  }
  const openid = r.string(body.openid, 'userid/openid');
  const external = r.optionalString(body.external_userid);
  return external === undefined
    ? { kind: 'non-member', openid }
    : { kind: 'non-member', openid, externalUserid: external };
}
