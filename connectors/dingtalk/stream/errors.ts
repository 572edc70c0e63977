/**
 * New-generation (v1.0) error codes on `POST /v1.0/gateway/connections/open` that mean the app's
 * credentials are wrong: retrying cannot help (platforms.md §2.1).
 */
const CREDENTIAL_CODES: ReadonlySet<string> = new Set(['invalidClientIdOrSecret', 'InvalidAuthentication']);

/** True for a v1.0 error `code` that says the clientId/clientSecret are wrong. */
export function isCredentialErrorCode(code: string | undefined): boolean {
  return code !== undefined && (CREDENTIAL_CODES.has(code) || code.startsWith('AuthenticationFailed'));
}

/**
 * Registering a Stream connection (`POST /v1.0/gateway/connections/open`) failed: a v1.0 error body
 * (`{code, message, requestid}` with HTTP 4xx/5xx), no answer, or an answer without endpoint/ticket.
 *
 * `permanent` errors (invalid credentials) stop the client; the others are retried with backoff. The
 * message holds the HTTP status and the error code only: never the secret or a ticket.
 */
export class DingtalkStreamOpenError extends Error {
  override readonly name = 'DingtalkStreamOpenError';
  /** HTTP status when DingTalk answered. */
  readonly status: number | undefined;
  /** v1.0 error `code` (e.g. `invalidClientIdOrSecret`), or a low-level code such as `ECONNREFUSED`. */
  readonly code: string | undefined;
  /** DingTalk's `requestid`, for support tickets. */
  readonly requestId: string | undefined;
  /** Invalid credentials: retrying cannot help. */
  readonly permanent: boolean;
  readonly retryable: boolean;

  constructor(reason: string, details: { status?: number; code?: string; requestId?: string } = {}) {
    super(`DingTalk stream registration failed: ${reason}`);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.permanent = isCredentialErrorCode(details.code);
    this.retryable = !this.permanent;
  }
}
