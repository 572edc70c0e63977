/**
 * What the caller should do about a failed OA call:
 * - `permanent`: the same call will fail again (bad template, no permission, bad config): dead-letter.
 * - `retryable`: network, timeout, 5xx, an unreadable answer: retry with backoff.
 * - `authExpired`: the session was refused even after the adapter's one re-login: retry later.
 * - `rateLimited`: slow down; `retryAfterMs` when the OA said how long.
 */
export type OaErrorKind = 'permanent' | 'retryable' | 'authExpired' | 'rateLimited';

/**
 * A failed OA call. The message names the system, the API path and a code only: vendor messages can
 * echo tokens or form values, so they are never copied into it.
 */
export class OaError extends Error {
  override readonly name = 'OaError';
  readonly system: string;
  readonly kind: OaErrorKind;
  /** Vendor or adapter code, e.g. `NO_PERMISSION`, `1010`, `SOAP_FAULT`, `HTTP_503`, `TIMEOUT`. */
  readonly code: string;
  /** API path without query string. */
  readonly path: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    system: string,
    kind: OaErrorKind,
    code: string,
    path: string,
    details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(`OA ${system} ${path} failed: ${kind} ${code}`);
    this.system = system;
    this.kind = kind;
    this.code = code;
    this.path = path;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

export function isAuthExpired(error: unknown): boolean {
  return error instanceof OaError && error.kind === 'authExpired';
}
