import axios, { type AxiosInstance } from 'axios';
import { WecomApiError, WecomTransportError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type WecomConfig } from '../wecom-config';

/** A parsed WeCom success body (`errcode` 0). */
export type WecomBody = Record<string, unknown>;

/** Minimal JSON transport bound to one API base (errcode model, platforms.md §3). */
export interface WecomHttp {
  get(path: string, params: Record<string, string>): Promise<WecomBody>;
  post(path: string, body: unknown, params?: Record<string, string>): Promise<WecomBody>;
}

export function createWecomHttp(config: Pick<WecomConfig, 'apiBase' | 'timeoutMs'>): WecomHttp {
  const instance = axios.create({
    baseURL: config.apiBase,
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // WeCom reports business errors as HTTP 200 bodies; status handling is ours.
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
): Promise<WecomBody> {
  let status: number;
  let data: unknown;
  try {
    const response = await instance.request({ url: path, ...request });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the full URL (corpsecret, code, access_token): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    throw new WecomTransportError(path, code === 'ECONNABORTED' ? 'timeout' : 'network error', { code });
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    if (status === 200) return checkErrcode(path, data as WecomBody);
  }
  if (status !== 200) throw new WecomTransportError(path, `HTTP ${status}`, { status });
  throw new WecomTransportError(path, 'response is not a JSON object', { status });
}

function checkErrcode(path: string, body: WecomBody): WecomBody {
  const errcode = body.errcode;
  if (errcode === undefined || errcode === 0) return body;
  throw new WecomApiError(path, Number(errcode), typeof body.errmsg === 'string' ? body.errmsg : '');
}
