import axios, { type AxiosInstance } from 'axios';
import { WechatApiError, WechatTransportError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type WechatConfig } from '../wechat-config';

/** A parsed WeChat success body. */
export type WechatBody = Record<string, unknown>;

/** Minimal JSON transport bound to one app's API base. */
export interface WechatHttp {
  get(path: string, params: Record<string, string>): Promise<WechatBody>;
  post(path: string, body: unknown, params?: Record<string, string>): Promise<WechatBody>;
}

export function createWechatHttp(config: Pick<WechatConfig, 'apiBase' | 'timeoutMs'>): WechatHttp {
  const instance = axios.create({
    baseURL: config.apiBase,
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Status handling is ours: WeChat reports business errors as HTTP 200 bodies.
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
): Promise<WechatBody> {
  let status: number;
  let data: unknown;
  try {
    const response = await instance.request({ url: path, ...request });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the full URL (with secret/js_code): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    throw new WechatTransportError(path, code === 'ECONNABORTED' ? 'timeout' : 'network error', { code });
  }
  if (status !== 200) throw new WechatTransportError(path, `HTTP ${status}`, { status });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WechatTransportError(path, 'response is not a JSON object', { status });
  }
  const body = data as WechatBody;
  // Success bodies may omit errcode entirely (e.g. token endpoints).
  const errcode = body.errcode;
  if (errcode !== undefined && errcode !== 0) {
    const errmsg = typeof body.errmsg === 'string' ? body.errmsg : '';
    throw new WechatApiError(path, typeof errcode === 'number' ? errcode : Number(errcode), errmsg);
  }
  return body;
}
