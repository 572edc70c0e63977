import axios, { type AxiosInstance } from 'axios';
import { DEFAULT_TIMEOUT_MS, DEFAULT_V1_API_BASE, type DingtalkConfig } from '../dingtalk-config';
import { DingtalkIpBannedError, DingtalkTransportError, DingtalkV1ApiError } from '../errors';

/** A parsed success body of the new generation: the resource itself (no errcode). */
export type DingtalkV1Body = Record<string, unknown>;

/** The header that carries the access token on `api.dingtalk.com` (platforms.md §2.1). */
export const V1_TOKEN_HEADER = 'x-acs-dingtalk-access-token';

/** One call to the new generation. `token` null = no token header (the token endpoint itself). */
export interface V1Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  token: string | null;
  query?: Record<string, string>;
  body?: unknown;
}

/** JSON transport for `api.dingtalk.com/v1.0/…`: HTTP 2xx = success, 4xx/5xx `{code, message}` = error. */
export interface DingtalkV1Http {
  request(request: V1Request): Promise<DingtalkV1Body>;
}

export function createDingtalkV1Http(
  config: Pick<DingtalkConfig, 'v1ApiBase' | 'timeoutMs'>,
): DingtalkV1Http {
  const instance = axios.create({
    baseURL: config.v1ApiBase ?? DEFAULT_V1_API_BASE,
    timeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    validateStatus: () => true,
    responseType: 'json',
  });
  return { request: (request) => send(instance, request) };
}

async function send(instance: AxiosInstance, request: V1Request): Promise<DingtalkV1Body> {
  const { path } = request;
  let status: number;
  let data: unknown;
  try {
    const response = await instance.request({
      url: path,
      method: request.method,
      params: request.query,
      data: request.body,
      headers: request.token === null ? {} : { [V1_TOKEN_HEADER]: request.token },
    });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the request config (the token header): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    throw new DingtalkTransportError(path, code === 'ECONNABORTED' ? 'timeout' : 'network error', { code });
  }
  const body =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as DingtalkV1Body) : null;
  if (body?.source === 'x5' && body.punish !== undefined) {
    throw new DingtalkIpBannedError(path, typeof body.wait === 'number' ? body.wait : 5);
  }
  if (status >= 200 && status < 300) {
    // DELETE and some updates may answer with an empty body.
    if (body) return body;
    if (data === '' || data === undefined || data === null) return {};
    throw new DingtalkTransportError(path, 'response is not a JSON object', { status });
  }
  if (body && typeof body.code === 'string' && body.code !== '') {
    const requestId =
      typeof body.requestid === 'string'
        ? body.requestid
        : typeof body.requestId === 'string'
          ? body.requestId
          : undefined;
    throw new DingtalkV1ApiError(path, status, {
      code: body.code,
      message: typeof body.message === 'string' ? body.message : '',
      requestId,
    });
  }
  throw new DingtalkTransportError(path, `HTTP ${status}`, { status });
}
