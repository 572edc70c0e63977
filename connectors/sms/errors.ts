/**
 * What the dispatcher does with a failed SMS:
 * - `permanent`: the request or account is wrong (number, template, sign, params, credentials, balance);
 *   retrying will not help until someone changes something.
 * - `rateLimited`: flow control (per number: 1/min, 5/h, 10/day by default; or account day/month limits);
 *   retry much later.
 * - `retryable`: the provider is busy or did not answer; retry with backoff.
 */
export type SmsFailureKind = 'permanent' | 'rateLimited' | 'retryable';

/**
 * A failed provider call. The message holds the operation and the provider's code only: never the
 * phone number, template variables or credentials (the provider's own `Message` can echo them, so it
 * is not kept).
 */
export class SmsError extends Error {
  override readonly name = 'SmsError';
  readonly kind: SmsFailureKind;
  /** Provider code (`isv.BUSINESS_LIMIT_CONTROL`, `SignatureDoesNotMatch`, …) or a transport reason. */
  readonly code: string;
  /** HTTP status when the provider answered with a non-200 status. */
  readonly status: number | undefined;
  /** Provider request id, for support tickets. */
  readonly requestId: string | undefined;
  readonly retryable: boolean;

  constructor(
    operation: string,
    kind: SmsFailureKind,
    code: string,
    details: { status?: number; requestId?: string } = {},
  ) {
    super(`SMS ${operation} failed: ${code}`);
    this.kind = kind;
    this.code = code;
    this.status = details.status;
    this.requestId = details.requestId;
    this.retryable = kind !== 'permanent';
  }
}
