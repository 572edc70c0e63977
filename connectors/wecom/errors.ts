/** Suggested waits for errcodes after which the same call may succeed later (platforms.md §3.4). */
const RETRY_WAIT_MS: ReadonlyMap<number, number | undefined> = new Map([
  [-1, undefined], // system busy: retry (≤3 times)
  [45009, 60_000], // API call frequency exceeded: back off (limits are per minute [path/90312])
  [45033, 1000], // concurrency limit exceeded: reduce concurrency
]);
const THROTTLE_ERRCODES: ReadonlySet<number> = new Set([45009, 45033]);

/**
 * WeCom answered (HTTP 200) with a non-zero `errcode` (platforms.md §3.4).
 *
 * The message names only the API path and errcode: request parameters (secret, code, tokens) never
 * appear in it.
 */
export class WecomApiError extends Error {
  override readonly name = 'WecomApiError';
  readonly errcode: number;
  /** errmsg as returned (WeCom appends a hint URL and a request id, no caller data). */
  readonly errmsg: string;
  /** API path without query string, e.g. `/cgi-bin/auth/getuserinfo`. */
  readonly path: string;
  /** 45009/45033: the gateway should slow down. */
  readonly throttled: boolean;
  /** -1 (busy), 45009, 45033: the same call may succeed later. */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(path: string, errcode: number, errmsg: string) {
    super(`WeCom ${path} failed with errcode ${errcode}`);
    this.path = path;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.throttled = THROTTLE_ERRCODES.has(errcode);
    this.retryable = RETRY_WAIT_MS.has(errcode);
    this.retryAfterMs = RETRY_WAIT_MS.get(errcode);
  }
}

/**
 * The call did not produce a WeCom answer: network failure, timeout, non-200 HTTP status or a body
 * that is not a JSON object. Always retryable.
 */
export class WecomTransportError extends Error {
  override readonly name = 'WecomTransportError';
  readonly path: string;
  readonly status: number | undefined;
  /** Low-level error code such as `ECONNABORTED` or `ECONNRESET`, when known. */
  readonly code: string | undefined;
  readonly retryable = true;

  constructor(path: string, reason: string, details: { status?: number; code?: string } = {}) {
    super(`WeCom ${path} transport failure: ${reason}`);
    this.path = path;
    this.status = details.status;
    this.code = details.code;
  }
}
