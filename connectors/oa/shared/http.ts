import axios, { type AxiosInstance } from 'axios';
import { OaError } from '../errors';

/** An answer before any vendor-specific reading. */
export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
}

export interface RawRequest {
  method: 'GET' | 'POST';
  /** Path below the base URL, without query string. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** Text transport bound to one OA base URL; every failure to get an answer is a retryable {@link OaError}. */
export interface OaHttp {
  send(request: RawRequest): Promise<RawResponse>;
}

/** Answers above this size are refused as unreadable (a document status is a few hundred bytes). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export function createOaHttp(options: { system: string; baseUrl: string; timeoutMs: number }): OaHttp {
  const instance: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    maxContentLength: MAX_RESPONSE_BYTES,
    maxRedirects: 0,
  });
  return {
    async send(request) {
      try {
        const response = await instance.request({
          url: request.path,
          method: request.method,
          params: request.query,
          headers: request.headers,
          data: request.body,
        });
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === 'string') headers[name.toLowerCase()] = value;
        }
        return {
          status: response.status,
          headers,
          text: typeof response.data === 'string' ? response.data : '',
        };
      } catch (error) {
        // The axios error carries the full request (tokens, form values): keep only its code.
        const code = axios.isAxiosError(error) ? error.code : undefined;
        throw new OaError(
          options.system,
          'retryable',
          code === 'ECONNABORTED' ? 'TIMEOUT' : (code ?? 'NETWORK'),
          request.path,
        );
      }
    },
  };
}

/** Seconds or an HTTP date in `retry-after`, as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, nowMs = Date.now()): number | undefined {
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The error every vendor shares for a bare HTTP status: 429 → `rateLimited`, 5xx and 408 →
 * `retryable`, anything else → `permanent`. Vendor bodies are read before this.
 */
export function httpStatusError(system: string, path: string, response: RawResponse): OaError {
  const { status } = response;
  if (status === 429) {
    const wait = retryAfterMs(response.headers);
    return new OaError(system, 'rateLimited', 'HTTP_429', path, {
      status,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  const kind = status >= 500 || status === 408 ? 'retryable' : 'permanent';
  return new OaError(system, kind, `HTTP_${status}`, path, { status });
}

/** The body as a JSON object, or null when it is anything else. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
