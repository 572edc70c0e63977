import { checkErrcode, createJsonHttp, type JsonBody, type JsonHttp } from '../../core/transport/json-http';
import { WecomApiError, WecomRecipientsError, WecomTransportError } from '../errors';
import { splitIds } from '../operations/parse';
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
    checkBody: (path, body) => {
      if (body.errcode === 81013) {
        throw new WecomRecipientsError(path, typeof body.errmsg === 'string' ? body.errmsg : '', {
          invaliduser: splitIds(body.invaliduser),
          invalidparty: splitIds(body.invalidparty),
          invalidtag: splitIds(body.invalidtag),
          unlicenseduser: splitIds(body.unlicenseduser),
        });
      }
      return checkErrcode(path, body, (p, errcode, errmsg) => new WecomApiError(p, errcode, errmsg));
    },
  });
}
