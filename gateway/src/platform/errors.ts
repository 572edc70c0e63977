/**
 * Errors the gateway answers with. Every error a person can see carries a stable `code` and a zh-CN
 * `title`; the error handler turns it into application/problem+json (RFC 9457). Errors of any other
 * class become a generic 500 whose message is never shown or logged (it may hold personal data).
 */

/** One bad field of a request: `pointer` is a JSON pointer into the body, `header`/`parameter` name the rest. */
export interface FieldError {
  pointer?: string;
  header?: string;
  parameter?: string;
  code: string;
  message: string;
}

export interface AppErrorOptions {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Operational errors (a platform is down) are logged at warn; client errors at debug. */
  level?: 'debug' | 'warn' | 'error';
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  readonly level: 'debug' | 'warn' | 'error';
  readonly expose = true;

  constructor(options: AppErrorOptions) {
    super(options.code);
    this.name = 'AppError';
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers;
    this.level = options.level ?? (options.status >= 500 ? 'error' : 'debug');
  }
}

export const errors = {
  validation: (errs: FieldError[], detail?: string) =>
    new AppError({
      status: 400,
      code: 'validation_failed',
      title: '请求内容不符合要求',
      detail: detail ?? `共有 ${errs.length} 处字段不符合要求，请修改后重试`,
      errors: errs,
    }),
  malformedJson: () =>
    new AppError({
      status: 400,
      code: 'malformed_json',
      title: '请求内容不是有效的 JSON',
      detail: '请检查请求体的 JSON 格式',
    }),
  unauthorized: (code = 'unauthorized', detail = '请先登录') =>
    new AppError({
      status: 401,
      code,
      title: '未登录或登录已失效',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    }),
  forbidden: (code = 'forbidden', detail = '您没有执行此操作的权限') =>
    new AppError({ status: 403, code, title: '无权访问', detail }),
  notFound: (code = 'not_found', detail = '请求的资源不存在') =>
    new AppError({ status: 404, code, title: '未找到', detail }),
  methodNotAllowed: (allowed: string) =>
    new AppError({
      status: 405,
      code: 'method_not_allowed',
      title: '不支持该请求方法',
      detail: `此地址支持的方法：${allowed}`,
      headers: { Allow: allowed },
    }),
  conflict: (code: string, detail: string) => new AppError({ status: 409, code, title: '请求冲突', detail }),
  payloadTooLarge: (limit: number) =>
    new AppError({
      status: 413,
      code: 'payload_too_large',
      title: '请求内容过大',
      detail: `请求体不能超过 ${Math.floor(limit / 1024)} KB`,
    }),
  unsupportedMediaType: () =>
    new AppError({
      status: 415,
      code: 'unsupported_media_type',
      title: '不支持的内容类型',
      detail: '请求体必须是 application/json（UTF-8 编码）',
    }),
  tooManyRequests: (retryAfterSeconds: number, code = 'rate_limited') =>
    new AppError({
      status: 429,
      code,
      title: '请求过于频繁',
      detail: `请在 ${retryAfterSeconds} 秒后重试`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  unavailable: (code: string, detail: string, retryAfterSeconds = 5) =>
    new AppError({
      status: 503,
      code,
      title: '服务暂时不可用',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      level: 'warn',
    }),
  internal: () =>
    new AppError({
      status: 500,
      code: 'internal_error',
      title: '服务器内部错误',
      detail: '请稍后重试；如持续出现请联系管理员',
    }),
};
