import { createJsonHttp, type JsonBody, type JsonHttp } from '../../core/transport/json-http';
import { DEFAULT_TIMEOUT_MS, type DingtalkConfig } from '../dingtalk-config';
import { DingtalkApiError, DingtalkIpBannedError, DingtalkTransportError } from '../errors';

/** A parsed DingTalk success body (`errcode` 0). */
export type DingtalkBody = JsonBody;

/** Minimal JSON transport for the old "oapi" generation, bound to one API base. */
export type DingtalkHttp = JsonHttp;

export function createDingtalkHttp(config: Pick<DingtalkConfig, 'apiBase' | 'timeoutMs'>): DingtalkHttp {
  return createJsonHttp({
    apiBase: config.apiBase,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    transportError: (path, reason, details) => new DingtalkTransportError(path, reason, details),
    screenBody(path, body) {
      if (body.source === 'x5' && body.punish !== undefined) {
        throw new DingtalkIpBannedError(path, typeof body.wait === 'number' ? body.wait : 5);
      }
    },
    checkBody: checkErrcode,
  });
}

function checkErrcode(path: string, body: DingtalkBody): DingtalkBody {
  const errcode = body.errcode;
  if (errcode === undefined || errcode === 0) return body;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  // sub_code is a string on the wire ("40014"); tolerate a number.
  const subCode = typeof body.sub_code === 'number' ? String(body.sub_code) : text(body.sub_code);
  const sub: { subCode?: string; subMsg?: string } = {};
  if (subCode !== undefined) sub.subCode = subCode;
  const subMsg = text(body.sub_msg);
  if (subMsg !== undefined) sub.subMsg = subMsg;
  throw new DingtalkApiError(path, Number(errcode), text(body.errmsg) ?? '', sub);
}
