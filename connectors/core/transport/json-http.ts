import axios, { type AxiosInstance } from 'axios';

/** A parsed success body of an errcode-model API. */
export type JsonBody = Record<string, unknown>;

/** Minimal JSON transport bound to one API base. */
export interface JsonHttp {
  get(path: string, params: Record<string, string>): Promise<JsonBody>;
  post(path: string, body: unknown, params?: Record<string, string>): Promise<JsonBody>;
}

/** Builds a platform's "no answer" error (network, timeout, non-200, not a JSON object). */
export type TransportErrorFactory = (
  path: string,
  reason: string,
  details: { status?: number; code?: string },
) => Error;

/** Where the platforms differ; the request/response plumbing is shared. */
export interface JsonHttpOptions {
  /** API origin (production or a simulator URL). */
  apiBase: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  transportError: TransportErrorFactory;
  /**
   * Look at a JSON-object answered with HTTP 200: return it as the success body, or throw the
   * platform's API error (see {@link checkErrcode}).
   */
  checkBody(path: string, body: JsonBody): JsonBody;
  /**
   * Optional look at every JSON-object answer before its HTTP status is checked, for answers that
   * are recognised by their body whatever the status (DingTalk's x5 IP ban). Throw to refuse it.
   */
  screenBody?(path: string, body: JsonBody): void;
}

/**
 * The usual `checkBody`: success when `errcode` is absent (token endpoints) or 0, otherwise
 * `apiError(path, errcode, errmsg)` is thrown.
 */
export function checkErrcode(
  path: string,
  body: JsonBody,
  apiError: (path: string, errcode: number, errmsg: string) => Error,
): JsonBody {
  const errcode = body.errcode;
  if (errcode === undefined || errcode === 0) return body;
  throw apiError(path, Number(errcode), typeof body.errmsg === 'string' ? body.errmsg : '');
}

export function createJsonHttp(options: JsonHttpOptions): JsonHttp {
  const instance = axios.create({
    baseURL: options.apiBase,
    timeout: options.timeoutMs,
    // The platforms report business errors as HTTP 200 bodies; status handling is ours.
    validateStatus: () => true,
    responseType: 'json',
  });
  return {
    get: (path, params) => send(instance, options, path, { method: 'GET', params }),
    post: (path, body, params) => send(instance, options, path, { method: 'POST', data: body, params }),
  };
}

async function send(
  instance: AxiosInstance,
  options: JsonHttpOptions,
  path: string,
  request: { method: 'GET' | 'POST'; params?: Record<string, string>; data?: unknown },
): Promise<JsonBody> {
  let status: number;
  let data: unknown;
  try {
    const response = await instance.request({ url: path, ...request });
    status = response.status;
    data = response.data;
  } catch (error) {
    // The axios error carries the full URL (secrets, codes, access_token): keep only its code.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    throw options.transportError(path, code === 'ECONNABORTED' ? 'timeout' : 'network error', { code });
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const body = data as JsonBody;
    options.screenBody?.(path, body);
    if (status === 200) return options.checkBody(path, body);
  }
  if (status !== 200) throw options.transportError(path, `HTTP ${status}`, { status });
  throw options.transportError(path, 'response is not a JSON object', { status });
}
