import { WechatApiError, WechatTransportError } from './errors';

/**
 * What the outbox dispatcher does with a failed subscribe message (platforms.md §1.3, §1.5):
 * - `refused`: 43101, the citizen has no one-time consent left. Fall back to SMS; never retry.
 * - `permanent`: the message itself is wrong (40003 openid, 40037 template, 47003 value, 41030 page) or
 *   the app is misconfigured (48001, 61004, 41001, unknown errcodes). Dead-letter it.
 * - `rateLimited`: 45011 (back off) or 45009 (daily quota: stop sending until the next Beijing day).
 * - `retryable`: -1 busy, timeouts, dropped connections, non-200 answers. Retry with backoff.
 * - `tokenStale`: 40001/42001/40014 still failed after the client's single refetch. Retry later.
 */
export type SubscribeFailureKind = 'refused' | 'permanent' | 'rateLimited' | 'retryable' | 'tokenStale';

const KIND_BY_ERRCODE: ReadonlyMap<number, SubscribeFailureKind> = new Map([
  [43101, 'refused'],
  [40003, 'permanent'],
  [40037, 'permanent'],
  [47003, 'permanent'],
  [41030, 'permanent'],
  [45009, 'rateLimited'],
  [45011, 'rateLimited'],
  [-1, 'retryable'],
  [40001, 'tokenStale'],
  [42001, 'tokenStale'],
  [40014, 'tokenStale'],
]);

/** The template key named by a 47003 errmsg such as `argument invalid! data.thing1.value …`. */
export function invalidKeyFromErrmsg(errmsg: string): string | undefined {
  return /\bdata\.([A-Za-z_]+[0-9]*)\.value\b/.exec(errmsg)?.[1];
}

/**
 * `subscribeMessage.send` answered with a non-zero errcode. Still a {@link WechatApiError}, so the
 * token provider recognises stale-token errcodes and refetches once.
 */
export class SubscribeMessageError extends WechatApiError {
  override readonly name = 'SubscribeMessageError';
  readonly kind: SubscribeFailureKind;
  /** 47003 only: the offending template key (e.g. `thing1`) when the errmsg names one. */
  readonly invalidKey: string | undefined;
  /** 45009 only: the daily quota is spent; nothing more goes out before the next Beijing day. */
  readonly quotaExhausted: boolean;

  constructor(path: string, errcode: number, errmsg: string) {
    super(path, errcode, errmsg);
    this.kind = KIND_BY_ERRCODE.get(errcode) ?? 'permanent';
    this.invalidKey = errcode === 47003 ? invalidKeyFromErrmsg(errmsg) : undefined;
    this.quotaExhausted = errcode === 45009;
  }
}

/** The dispatcher's view of any error `sendSubscribeMessage` throws (transport failures are retryable). */
export function subscribeFailureKind(error: unknown): SubscribeFailureKind {
  if (error instanceof SubscribeMessageError) return error.kind;
  if (error instanceof WechatApiError) return KIND_BY_ERRCODE.get(error.errcode) ?? 'permanent';
  if (error instanceof WechatTransportError) return 'retryable';
  return 'permanent';
}
