import { code2Session, type WechatSession } from './operations/code2session';
import { getCallbackIp } from './operations/get-callback-ip';
import { getPhoneNumber, type WechatPhoneNumber } from './operations/get-phone-number';
import {
  type SubscribeMessage,
  type SubscribeMessageSent,
  sendSubscribeMessage,
} from './operations/send-subscribe-message';
import { createAccessTokenProvider, type TokenCache } from './transport/access-token';
import { createWechatHttp } from './transport/http';
import type { WechatConfig } from './wechat-config';

export { createMemoryTokenCache } from '../core/transport/memory-token-cache';

/** Client for one mini-program app. */
export interface WechatClient {
  /** `auth.code2Session`: exchange a `wx.login()` code. Codes are single-use. */
  code2Session(jsCode: string): Promise<WechatSession>;
  /** Cached stable access token, fetched on a miss (one fetch per process at a time). */
  getAccessToken(): Promise<string>;
  /** Drop the cached token so the next call fetches again. */
  invalidateAccessToken(): Promise<void>;
  /** Run `fn` with a token; on 40001/42001/40014 refetch once and retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
  /** `GET /cgi-bin/getcallbackip` with the cached token (retried once on a stale token). */
  getCallbackIp(): Promise<string[]>;
  /**
   * `subscribeMessage.send` with the cached token (refetched once on 40001/42001/40014). Throws
   * {@link SubscribeMessageError} (see its `kind`) or {@link WechatTransportError} (retryable).
   */
  sendSubscribeMessage(message: SubscribeMessage): Promise<SubscribeMessageSent>;
  /**
   * `getuserphonenumber` with the cached token (refetched once on 40001/42001/40014): the number behind
   * a `getPhoneNumber` button code. Throws {@link PhoneNumberError} (see its `kind`; 40029 = the code is
   * invalid, used or expired) or {@link WechatTransportError} (retryable).
   */
  getPhoneNumber(code: string, options?: { openid?: string }): Promise<WechatPhoneNumber>;
}

export function createWechatClient(config: WechatConfig, deps: { tokenCache: TokenCache }): WechatClient {
  const http = createWechatHttp(config);
  const tokens = createAccessTokenProvider({
    http,
    appId: config.appId,
    appSecret: config.appSecret,
    cache: deps.tokenCache,
  });
  return {
    code2Session: (jsCode) => code2Session(http, config, jsCode),
    getAccessToken: () => tokens.get(),
    invalidateAccessToken: () => tokens.invalidate(),
    withAccessToken: (fn) => tokens.withAccessToken(fn),
    getCallbackIp: () => tokens.withAccessToken((token) => getCallbackIp(http, token)),
    sendSubscribeMessage: (message) =>
      tokens.withAccessToken((token) => sendSubscribeMessage(http, token, message)),
    getPhoneNumber: (code, options = {}) =>
      tokens.withAccessToken((token) => getPhoneNumber(http, token, config.appId, { code, ...options })),
  };
}
