import { WechatApiError, WechatTransportError } from './errors';

/**
 * What the gateway does with a failed `getuserphonenumber` (platforms.md §1.4, §1.5):
 * - `invalidCode`: 40029, the `getPhoneNumber` code is unknown, used or older than 5 minutes. Permanent:
 *   the citizen taps the button again for a new code.
 * - `rateLimited`: 45011 (frequency limit). Retryable later.
 * - `retryable`: -1 busy, timeouts, dropped connections, non-200 answers.
 * - `tokenStale`: 40001/42001/40014 still failed after the client's single refetch. Retry later.
 * - `permanent`: anything else, e.g. 40013 (invalid appid; also used when the answer's
 *   `watermark.appid` is not this app's) or 48001 (API not authorised). A configuration problem.
 */
export type PhoneNumberFailureKind = 'invalidCode' | 'rateLimited' | 'retryable' | 'tokenStale' | 'permanent';

const KIND_BY_ERRCODE: ReadonlyMap<number, PhoneNumberFailureKind> = new Map([
  [40029, 'invalidCode'],
  [45011, 'rateLimited'],
  [-1, 'retryable'],
  [40001, 'tokenStale'],
  [42001, 'tokenStale'],
  [40014, 'tokenStale'],
]);

/**
 * `getuserphonenumber` answered with a non-zero errcode. Still a {@link WechatApiError} (so the token
 * provider refetches once on a stale token, and `retryable` is true for -1 and 45011).
 */
export class PhoneNumberError extends WechatApiError {
  override readonly name = 'PhoneNumberError';
  readonly kind: PhoneNumberFailureKind;

  constructor(path: string, errcode: number, errmsg: string) {
    super(path, errcode, errmsg);
    this.kind = KIND_BY_ERRCODE.get(errcode) ?? 'permanent';
  }
}

/** The gateway's view of any error `getPhoneNumber` throws (transport failures are retryable). */
export function phoneNumberFailureKind(error: unknown): PhoneNumberFailureKind {
  if (error instanceof PhoneNumberError) return error.kind;
  if (error instanceof WechatApiError) return KIND_BY_ERRCODE.get(error.errcode) ?? 'permanent';
  if (error instanceof WechatTransportError) return 'retryable';
  return 'permanent';
}
