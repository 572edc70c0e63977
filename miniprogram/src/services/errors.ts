/** One field problem from the gateway's problem+json `errors` array (`pointer` is a JSON pointer into the body). */
export interface FieldError {
  pointer: string;
  code: string;
  message: string;
}

export type ApiErrorKind = 'http' | 'offline' | 'timeout';

/**
 * Every failed call ends as an ApiError: `message` is always zh-CN and safe to show (the gateway's
 * `detail`/`title`, or our own text for network trouble); unknown 5xx text is replaced by a generic one.
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | undefined;

  constructor(init: {
    kind: ApiErrorKind;
    status?: number;
    code?: string;
    title?: string;
    message: string;
    fieldErrors?: FieldError[];
    requestId?: string;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.code = init.code ?? init.kind;
    this.title = init.title ?? init.message;
    this.fieldErrors = init.fieldErrors ?? [];
    this.requestId = init.requestId;
  }

  /** Retrying the same request (with the same Idempotency-Key) may succeed. */
  get retryable(): boolean {
    return this.kind !== 'http' || this.status === 429 || this.status === 503 || this.status === 502;
  }
}

export const MESSAGES = {
  offline: '网络连接不可用，请检查网络后重试',
  timeout: '网络较慢，请求超时，请稍后重试',
  server: '系统繁忙，请稍后重试',
  sessionExpired: '登录已过期，请重新登录',
} as const;

/** Turns a problem+json body into an ApiError (zh-CN text from `detail`, else `title`). */
export function fromProblem(status: number, body: unknown, requestId?: string): ApiError {
  const p = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const title = typeof p.title === 'string' ? p.title : undefined;
  const detail = typeof p.detail === 'string' ? p.detail : undefined;
  const fieldErrors = Array.isArray(p.errors)
    ? (p.errors as FieldError[]).filter((e) => e && typeof e.pointer === 'string')
    : [];
  const message = status >= 500 && !title ? MESSAGES.server : (detail ?? title ?? MESSAGES.server);
  return new ApiError({
    kind: 'http',
    status,
    code: typeof p.code === 'string' ? p.code : `http_${status}`,
    title: title ?? message,
    message,
    fieldErrors,
    requestId: typeof p.requestId === 'string' ? p.requestId : requestId,
  });
}
