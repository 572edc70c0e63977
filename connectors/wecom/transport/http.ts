import { checkErrcode, createJsonHttp, type JsonBody, type JsonHttp } from '../../core/transport/json-http';
import { WecomApiError, WecomTransportError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type WecomConfig } from '../wecom-config';

/** A parsed WeCom success body (`errcode` 0). */
export type WecomBody = JsonBody;

/** Minimal JSON transport bound to one API base (errcode model, platforms.md §3). */
export type WecomHttp = JsonHttp;

export function createWecomHttp(config: Pick<WecomConfig, 'apiBase' | 'timeoutMs'>): WecomHttp {
  return createJsonHttp({
    apiBase: config.apiBase,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    transportError: (path, reason, details) => new WecomTransportError(path, reason, details),
    checkBody: (path, body) =>
      checkErrcode(path, body, (p, errcode, errmsg) => new WecomApiError(p, errcode, errmsg)),
  });
}
