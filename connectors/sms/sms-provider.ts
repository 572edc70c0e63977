/**
 * The port every SMS provider implements (Aliyun Dysmsapi today; Tencent or an operator gateway in a
 * private deployment). The outbox dispatcher calls it when a subscribe message was refused or for
 * staff alerts.
 *
 * Phone numbers are personal data: implementations never put them in logs, error messages or
 * exceptions; callers must not either.
 *
 * ```ts
 * const { providerId } = await sms.send({ phone, templateCode: 'SMS_CASE_ACCEPTED', params: { item }, outId: outboxId });
 * const status = await sms.status({ phone, providerId, sentAt });
 * ```
 */
export interface SmsProvider {
  /**
   * Hand one message to the provider. Resolves once the provider accepted it (delivery is
   * asynchronous, see {@link SmsProvider.status}).
   *
   * Not idempotent on the provider side: retry only after {@link SmsError} with `kind` `retryable`
   * (and, for timeouts, after checking `status` by `outId`).
   *
   * @throws SmsError `permanent` (bad number, template, sign, params, credentials: do not retry),
   *   `rateLimited` (per-number or account flow control: retry much later or fall back),
   *   `retryable` (provider busy, network, timeout).
   */
  send(message: SmsMessage): Promise<SmsAccepted>;
  /**
   * Delivery state of a message sent to `phone` around `sentAt`, found by `providerId` or `outId`.
   * `unknown` when the provider has no such record (yet).
   */
  status(query: SmsStatusQuery): Promise<SmsStatus>;
}

export interface SmsMessage {
  /** Mainland mobile number, 11 digits (an optional `+86`/`86` prefix is accepted). */
  phone: string;
  /** The provider's template code, e.g. `SMS_123456789`. */
  templateCode: string;
  /** Template variables; every variable of the template must be present. */
  params: Record<string, string>;
  /** Sign name (签名); defaults to the provider's configured one. */
  signName?: string;
  /** Our id (outbox message id), echoed in status queries. At most 256 characters. */
  outId: string;
}

export interface SmsAccepted {
  /** The provider's id for this send (Aliyun `BizId`). */
  providerId: string;
  accepted: true;
}

export interface SmsStatusQuery {
  phone: string;
  providerId?: string;
  outId?: string;
  /** When the message was sent; providers index records by (phone, day). */
  sentAt: Date;
}

export type SmsDeliveryState = 'pending' | 'delivered' | 'failed' | 'unknown';

export interface SmsStatus {
  state: SmsDeliveryState;
  /** The carrier's or provider's code for the result (`DELIVERED`, a failure code), when known. */
  code?: string;
  /** When the handset received it, as the provider reports it. */
  receivedAt?: string;
}
