/** errcodes after which the same call may succeed later: -1 system busy, 45011 frequency limit. */
const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 45011]);

/**
 * WeChat answered (HTTP 200) with a non-zero `errcode`.
 *
 * The message names only the API path and errcode: request parameters (secret, js_code, tokens)
 * never appear in it.
 */
export class WechatApiError extends Error {
  override readonly name: string = 'WechatApiError';
  /** WeChat errcode, see platforms.md §1.5. */
  readonly errcode: number;
  /** WeChat errmsg as returned by the platform (it holds a request id, no caller data). */
  readonly errmsg: string;
  /** API path without query string, e.g. `/sns/jscode2session`. */
  readonly path: string;
  /** True for -1 (busy) and 45011 (rate limit): retry later with backoff. */
  readonly retryable: boolean;

  constructor(path: string, errcode: number, errmsg: string) {
    super(`WeChat ${path} failed with errcode ${errcode}`);
    this.path = path;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.retryable = RETRYABLE_ERRCODES.has(errcode);
  }
}

/**
 * The call did not produce a WeChat answer: network failure, timeout, non-200 HTTP status or a
 * body that is not a JSON object. Always retryable.
 */
export class WechatTransportError extends Error {
  override readonly name = 'WechatTransportError';
  /** API path without query string. */
  readonly path: string;
  /** HTTP status when the server answered with a non-200 status. */
  readonly status: number | undefined;
  /** Low-level error code such as `ECONNABORTED` or `ECONNRESET`, when known. */
  readonly code: string | undefined;
  readonly retryable = true;

  constructor(path: string, reason: string, details: { status?: number; code?: string } = {}) {
    super(`WeChat ${path} transport failure: ${reason}`);
    this.path = path;
    this.status = details.status;
    this.code = details.code;
  }
}
