/**
 * How the outbox dispatcher should treat a failed DingTalk call (all error classes below carry one):
 * - `rateLimited`: flow control or the x5 IP ban; wait `retryAfterMs`, then retry.
 * - `retryable`: busy, timeout, 5xx or no answer; retry with backoff.
 * - `tokenStale`: the access token is no longer accepted; refetch it once and retry once.
 * - `permanent`: the request itself is wrong (bad parameter, unknown user, no permission, monthly
 *   quota); retrying the same call cannot help.
 */
export type DingtalkErrorKind = 'rateLimited' | 'retryable' | 'tokenStale' | 'permanent';

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

/** errcode 88 with an empty or token sub_code, or plain 40014/42001 (platforms.md §2.1). */
function isStaleTokenErrcode(errcode: number, subCode: string | undefined): boolean {
  if (errcode === 40014 || errcode === 42001) return true;
  if (errcode !== 88) return false;
  return subCode === undefined || subCode === '' || subCode === '40014' || subCode === '42001';
}

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
  readonly kind: DingtalkErrorKind;

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
    if (this.throttled) this.kind = wait === null ? 'permanent' : 'rateLimited';
    else if (TRANSIENT_ERRCODES.has(errcode)) this.kind = 'retryable';
    else if (isStaleTokenErrcode(errcode, sub.subCode)) this.kind = 'tokenStale';
    else this.kind = 'permanent';
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
  readonly kind: DingtalkErrorKind = 'rateLimited';
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
  readonly kind: DingtalkErrorKind = 'retryable';

  constructor(path: string, reason: string, details: { status?: number; code?: string } = {}) {
    super(`DingTalk ${path} transport failure: ${reason}`);
    this.path = path;
    this.status = details.status;
    this.code = details.code;
  }
}

/** Flow-control `code`s of the new generation (HTTP 403, platforms.md §2.7) and how long to wait. */
const V1_THROTTLE_WAIT_MS: ReadonlyMap<string, number | null> = new Map([
  ['Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', 1000],
  ['Forbidden.AccessDenied.QpsLimitForApi', 1000],
  ['Forbidden.AccessDenied.ApiCountLimitForOrg', null],
]);

/** `code`s that mean "the token is no longer accepted" (platforms.md §2.1). */
const V1_STALE_TOKEN_CODES: ReadonlySet<string> = new Set(['InvalidAuthentication']);

/**
 * The new "api" generation (`api.dingtalk.com/v1.0/…`) answered with HTTP 4xx/5xx
 * `{code, message, requestid}` (platforms.md §2.1).
 *
 * The message names only the API path, the HTTP status and `code`: `message` may
 * echo parameters, so it is kept as a field and not put into the error text.
 */
export class DingtalkV1ApiError extends Error {
  override readonly name = 'DingtalkV1ApiError';
  /** API path without query string, e.g. `/v1.0/todo/users/u-1/tasks`. */
  readonly path: string;
  readonly status: number;
  /** e.g. `todo.taskCreate.paramError`, `Forbidden.AccessDenied.QpsLimitForApi`, `systemError`. */
  readonly code: string;
  /** The platform's `message` (may echo request values; do not show it to citizens). */
  readonly platformMessage: string;
  readonly requestId: string | undefined;
  readonly throttled: boolean;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly kind: DingtalkErrorKind;

  constructor(
    path: string,
    status: number,
    body: { code: string; message?: string; requestId?: string | undefined },
  ) {
    super(`DingTalk ${path} failed with HTTP ${status} ${body.code}`);
    this.path = path;
    this.status = status;
    this.code = body.code;
    this.platformMessage = body.message ?? '';
    this.requestId = body.requestId;
    const wait = V1_THROTTLE_WAIT_MS.has(body.code)
      ? V1_THROTTLE_WAIT_MS.get(body.code)
      : /flowControl/i.test(body.code)
        ? 1000
        : undefined;
    this.throttled = wait !== undefined;
    this.retryAfterMs = wait ?? undefined;
    if (this.throttled) this.kind = wait === null ? 'permanent' : 'rateLimited';
    else if (V1_STALE_TOKEN_CODES.has(body.code)) this.kind = 'tokenStale';
    // 5xx (systemError, gateway timeout) and a concurrent-create lock may pass on a second try.
    else if (status >= 500 || /lockError$/.test(body.code)) this.kind = 'retryable';
    else this.kind = 'permanent';
    this.retryable = this.kind === 'rateLimited' || this.kind === 'retryable';
  }
}

/** Any error a DingTalk client call rejects with. */
export type DingtalkError =
  | DingtalkApiError
  | DingtalkV1ApiError
  | DingtalkIpBannedError
  | DingtalkTransportError;

/**
 * The dispatcher's view of a failure: its {@link DingtalkErrorKind} and the suggested wait. Errors
 * that are not DingTalk errors (bugs, bad configuration) are `permanent`.
 */
export function classifyDingtalkError(error: unknown): { kind: DingtalkErrorKind; retryAfterMs?: number } {
  if (error instanceof DingtalkTransportError) return { kind: error.kind };
  if (
    error instanceof DingtalkApiError ||
    error instanceof DingtalkV1ApiError ||
    error instanceof DingtalkIpBannedError
  ) {
    return error.retryAfterMs === undefined
      ? { kind: error.kind }
      : { kind: error.kind, retryAfterMs: error.retryAfterMs };
  }
  return { kind: 'permanent' };
}
