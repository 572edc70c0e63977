import { WechatTransportError } from '../errors';
import type { WechatHttp } from '../transport/http';

/** Result of `auth.code2Session`. `sessionKey` must never be sent to the mini-program. */
export interface WechatSession {
  openid: string;
  sessionKey: string;
  /** Present only when the app is bound to an Open Platform account. */
  unionid?: string;
}

const PATH = '/sns/jscode2session';

/** Exchange a `wx.login()` code for the user's openid and session key (platforms.md §1.1). */
export async function code2Session(
  http: WechatHttp,
  credentials: { appId: string; appSecret: string },
  jsCode: string,
): Promise<WechatSession> {
  const body = await http.get(PATH, {
    appid: credentials.appId,
    secret: credentials.appSecret,
    js_code: jsCode,
    grant_type: 'authorization_code',
  });
  const { openid, session_key: sessionKey, unionid } = body;
  if (typeof openid !== 'string' || typeof sessionKey !== 'string') {
    throw new WechatTransportError(PATH, 'response without openid/session_key');
  }
  return typeof unionid === 'string' ? { openid, sessionKey, unionid } : { openid, sessionKey };
}
