/** Suggested waits for errcodes after which the same call may succeed later (platforms.md §3.4). */
const RETRY_WAIT_MS: ReadonlyMap<number, number | undefined> = new Map([
  [-1, undefined], // system busy: retry (≤3 times)
  [45009, 60_000], // API call frequency exceeded: back off (limits are per minute [path/90312])
  [45033, 1000], // concurrency limit exceeded: reduce concurrency
]);
const THROTTLE_ERRCODES: ReadonlySet<number> = new Set([45009, 45033]);
/** The token was invalid/expired even after the client's one refetch: worth another try later. */
const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40014, 42001]);
/** Fixed by an administrator (credentials, app permissions, trusted IPs), not by retrying. */
const CONFIG_ERRCODES: ReadonlySet<number> = new Set([
  40001, 40013, 40056, 41011, 48002, 50001, 60011, 60020, 301002,
]);

/**
 * What a caller (the outbox dispatcher) should do about a {@link WecomApiError}:
 * - `retryable`: -1 system busy, retry with backoff (≤3 times);
 * - `rateLimited`: 45009/45033, slow down, retry after {@link WecomApiError.retryAfterMs};
 * - `tokenRefetch`: 40014/42001, the token went stale (the client refetches once itself);
 * - `config`: credentials, permissions, IP allow-list (60020), agentid: alert an administrator;
 * - `permanent`: the request itself is wrong (invalid users 40003/81013, no recipients 82001, bad
 *   message body): do not retry.
 */
export type WecomErrorKind = 'retryable' | 'rateLimited' | 'tokenRefetch' | 'config' | 'permanent';

/** {@link WecomErrorKind} of an errcode (platforms.md §3.4). */
export function wecomErrorKind(errcode: number): WecomErrorKind {
  if (THROTTLE_ERRCODES.has(errcode)) return 'rateLimited';
  if (RETRY_WAIT_MS.has(errcode)) return 'retryable';
  if (TOKEN_ERRCODES.has(errcode)) return 'tokenRefetch';
  if (CONFIG_ERRCODES.has(errcode)) return 'config';
  return 'permanent';
}

/**
 * WeCom answered (HTTP 200) with a non-zero `errcode` (platforms.md §3.4).
 *
 * The message names only the API path and errcode: request parameters (secret, code, tokens) never
 * appear in it.
 */
export class WecomApiError extends Error {
  override readonly name: string = 'WecomApiError';
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
  /** How a dispatcher should react; see {@link WecomErrorKind}. */
  readonly kind: WecomErrorKind;
  /** Same as {@link WecomApiError.throttled}: 45009/45033. */
  readonly rateLimited: boolean;
  /** `config` or `permanent`: retrying the same call cannot help. */
  readonly permanent: boolean;

  constructor(path: string, errcode: number, errmsg: string) {
    super(`WeCom ${path} failed with errcode ${errcode}`);
    this.path = path;
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.throttled = THROTTLE_ERRCODES.has(errcode);
    this.retryable = RETRY_WAIT_MS.has(errcode);
    this.retryAfterMs = RETRY_WAIT_MS.get(errcode);
    this.kind = wecomErrorKind(errcode);
    this.rateLimited = this.throttled;
    this.permanent = this.kind === 'config' || this.kind === 'permanent';
  }
}

/** Recipient id lists of a `message/send` answer, split from WeCom's `|`-joined strings. */
export interface WecomInvalidRecipients {
  invaliduser: string[];
  invalidparty: string[];
  invalidtag: string[];
  unlicenseduser: string[];
}

/**
 * 81013: every recipient of a `message/send` was invalid or outside the app's visibility, so nothing
 * was sent (platforms.md §3.3). Permanent; the lists say which ids to fix.
 */
export class WecomRecipientsError extends WecomApiError {
  override readonly name = 'WecomRecipientsError';
  readonly recipients: WecomInvalidRecipients;

  constructor(path: string, errmsg: string, recipients: WecomInvalidRecipients) {
    super(path, 81013, errmsg);
    this.recipients = recipients;
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
