/**
 * Flow-control errcodes of the old API generation and how long to wait (platforms.md §2.7).
 * `null` = throttled, but do not retry (monthly quota: stop and alert).
 */
const THROTTLE_WAIT_MS: ReadonlyMap<number, number | null> = new Map([
  [90018, 1000], // per app per API QPS
  [90002, 1000], // platform-wide per-API QPS
  [90006, 60_000], // per app per minute [3P]: wait for the next minute
  [90005, 1000], // [3P] backoff
  [41047, 1000], // [3P] backoff
  [41048, 1000], // [3P] backoff
  [90020, null], // monthly call quota
]);

/** errcodes other than flow control after which the same call may succeed: -1 busy, 15 timeout (§2.1). */
const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([-1, 15]);

/**
 * DingTalk answered (HTTP 200) with a non-zero `errcode` (platforms.md §2.1, old "oapi" model).
 *
 * The message names only the API path, errcode and sub_code: request parameters (secret, auth code,
 * tokens) never appear in it.
 */
export class DingtalkApiError extends Error {
  override readonly name = 'DingtalkApiError';
  readonly errcode: number;
  readonly errmsg: string;
  /** `sub_code` of an errcode 88 answer, e.g. `'40014'` (invalid token) or `'60011'` (no permission). */
  readonly subCode: string | undefined;
  readonly subMsg: string | undefined;
  /** API path without query string, e.g. `/topapi/v2/user/get`. */
  readonly path: string;
  /** A flow-control errcode (§2.7): the gateway should slow down. */
  readonly throttled: boolean;
  /** The same call may succeed later: throttling (except the monthly quota), -1 busy, 15 timeout. */
  readonly retryable: boolean;
  /** Suggested wait before retrying, when the platform's guidance names one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    path: string,
    errcode: number,
    errmsg: string,
    sub: { subCode?: string; subMsg?: string } = {},
  ) {
    super(
      `DingTalk ${path} failed with errcode ${errcode}${sub.subCode ? ` (sub_code ${sub.subCode})` : ''}`,
    );
    this.path = path;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.subCode = sub.subCode;
    this.subMsg = sub.subMsg;
    const wait = THROTTLE_WAIT_MS.get(errcode);
    this.throttled = wait !== undefined;
    this.retryAfterMs = wait ?? undefined;
    this.retryable = (this.throttled && wait !== null) || TRANSIENT_ERRCODES.has(errcode);
  }
}

/**
 * The calling IP was banned by DingTalk's gateway (more than 10000 calls per 20 s, platforms.md §2.7):
 * the body is `{"status":1111,"wait":5,"source":"x5","punish":"deny",…}` instead of an errcode.
 */
export class DingtalkIpBannedError extends Error {
  override readonly name = 'DingtalkIpBannedError';
  readonly path: string;
  readonly throttled = true;
  readonly retryable = true;
  /** `wait` minutes from the body (the ban lasts 5 min). */
  readonly retryAfterMs: number;

  constructor(path: string, waitMinutes: number) {
    super(`DingTalk ${path} refused: calling IP banned for ${waitMinutes} min`);
    this.path = path;
    this.retryAfterMs = waitMinutes * 60_000;
  }
}

/**
 * The call did not produce a DingTalk answer: network failure, timeout, non-200 HTTP status or a
 * body that is not a JSON object. Always retryable.
 */
export class DingtalkTransportError extends Error {
  override readonly name = 'DingtalkTransportError';
  readonly path: string;
  /** HTTP status when the server answered with a non-200 status. */
  readonly status: number | undefined;
  /** Low-level error code such as `ECONNABORTED` or `ECONNRESET`, when known. */
  readonly code: string | undefined;
  readonly retryable = true;

  constructor(path: string, reason: string, details: { status?: number; code?: string } = {}) {
    super(`DingTalk ${path} transport failure: ${reason}`);
    this.path = path;
    this.status = details.status;
    this.code = details.code;
  }
}
