import { checkErrcode, createJsonHttp, type JsonBody, type JsonHttp } from '../../core/transport/json-http';
import { WechatApiError, WechatTransportError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type WechatConfig } from '../wechat-config';

/** A parsed WeChat success body. */
export type WechatBody = JsonBody;

/** Minimal JSON transport bound to one app's API base. */
export type WechatHttp = JsonHttp;

export function createWechatHttp(config: Pick<WechatConfig, 'apiBase' | 'timeoutMs'>): WechatHttp {
  return createJsonHttp({
    apiBase: config.apiBase,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    transportError: (path, reason, details) => new WechatTransportError(path, reason, details),
    // Success bodies may omit errcode entirely (e.g. token endpoints).
    checkBody: (path, body) =>
      checkErrcode(path, body, (p, errcode, errmsg) => new WechatApiError(p, errcode, errmsg)),
  });
}
