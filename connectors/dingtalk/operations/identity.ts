import type { DingtalkHttp } from '../transport/http';
import { reader } from './parse';

/** Who signed in, from `POST /topapi/v2/user/getuserinfo` (platforms.md §2.3). */
export interface DingtalkLoginIdentity {
  /** Org-scoped id: work notices and old APIs take it. */
  userid: string;
  /** Cross-org id: todo and new-generation APIs take it. */
  unionid: string;
  name: string;
  deviceId?: string;
  /** True for admins. */
  sys: boolean;
  /** 1 primary admin, 2 sub-admin, 100 boss, 0 other. */
  sysLevel: number;
  associatedUnionid?: string;
}

const GETUSERINFO_PATH = '/topapi/v2/user/getuserinfo';

/** 免登: exchange a single-use `authCode` from `dd.requestAuthCode` / `dd.getAuthCode`. */
export async function getUserInfoByCode(
  http: DingtalkHttp,
  accessToken: string,
  authCode: string,
): Promise<DingtalkLoginIdentity> {
  const r = reader(GETUSERINFO_PATH);
  const body = await http.post(GETUSERINFO_PATH, { code: authCode }, { access_token: accessToken });
  const result = r.object(body.result, 'result');
  const identity: DingtalkLoginIdentity = {
    userid: r.string(result.userid, 'result.userid'),
    unionid: r.string(result.unionid, 'result.unionid'),
    name: r.string(result.name, 'result.name'),
    sys: r.bool(result.sys),
    sysLevel: typeof result.sys_level === 'number' ? result.sys_level : 0,
  };
  const deviceId = r.optionalString(result.device_id);
  if (deviceId !== undefined) identity.deviceId = deviceId;
  const associated = r.optionalString(result.associated_unionid);
  if (associated !== undefined) identity.associatedUnionid = associated;
  return identity;
}
