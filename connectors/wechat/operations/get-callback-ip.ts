import { WechatTransportError } from '../errors';
import type { WechatHttp } from '../transport/http';

const PATH = '/cgi-bin/getcallbackip';

/** IP list WeChat uses to call our servers; a cheap call that proves a token is accepted. */
export async function getCallbackIp(http: WechatHttp, accessToken: string): Promise<string[]> {
  const body = await http.get(PATH, { access_token: accessToken });
  const list = body.ip_list;
  if (!Array.isArray(list) || !list.every((ip) => typeof ip === 'string')) {
    throw new WechatTransportError(PATH, 'response without ip_list');
  }
  return list;
}
