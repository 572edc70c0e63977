import axios, { type AxiosInstance } from 'axios';
import { DEFAULT_TIMEOUT_MS, type DingtalkConfig } from '../dingtalk-config';
import { DingtalkApiError, DingtalkIpBannedError, DingtalkTransportError } from '../errors';

/** A parsed DingTalk success body (`errcode` 0). */
export type DingtalkBody = Record<string, unknown>;

/** Minimal JSON transport for the old "oapi" generation, bound to one API base. */
export interface DingtalkHttp {
  get(path: string, params: Record<string, string>): Promise<DingtalkBody>;
  post(path: string, body: unknown, params?: Record<string, string>): Promise<DingtalkBody>;
}

export function createDingtalkHttp(config: Pick<DingtalkConfig, 'apiBase' | 'timeoutMs'>): DingtalkHttp {
  const instance = axios.create({
    baseURL: config.apiBase,
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // oapi reports business errors as HTTP 200 bodies; status handling is ours.
    validateStatus: () => true,
    responseType: 'json',
  });
  return {
    get: (path, params) => send(instance, path, { method: 'GET', params }),
    post: (path, body, params) => send(instance, path, { method: 'POST', data: body, params }),
  };
}

async function send(
  instance: AxiosInstance,
  path: string,
  request: { method: 'GET' | 'POST'; params?: Record<string, string>; data?: unknown },
): Promise<DingtalkBody> {
  let status: number;
  let data: unknown;
  try {
    const response = await instance.request({ url: path, ...request });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the full URL (appsecret, access_token): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    throw new DingtalkTransportError(path, code === 'ECONNABORTED' ? 'timeout' : 'network error', { code });
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const body = data as DingtalkBody;
    if (body.source === 'x5' && body.punish !== undefined) {
      throw new DingtalkIpBannedError(path, typeof body.wait === 'number' ? body.wait : 5);
    }
    if (status === 200) return checkErrcode(path, body);
  }
  if (status !== 200) throw new DingtalkTransportError(path, `HTTP ${status}`, { status });
  throw new DingtalkTransportError(path, 'response is not a JSON object', { status });
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
