import type { Logger } from 'pino';
import { describeUnexpected } from '../platform/logger';
import { type BackoffOptions, fullJitterDelay } from './backoff';
import type { DestinationBreakers } from './breakers';
import { isBrokenCircuit } from './breakers';
import { classifyByKind, errorText } from './classify';
import type { DeliveryRow } from './delivery.migrations';
import type { DeliveryRoute, DeliverySender, FailureInfo, SendOutcome } from './delivery.types';
import { type DeliveryStore, type NewDelivery, toRecord } from './delivery-store';
import type { DestinationLimiter } from './rate-limiter';
import { checkPlanned } from './router';

export interface DispatcherOptions {
  leaseMs: number;
  backoff: BackoffOptions;
  /** A rate-limit wait up to this long is slept through; a longer one puts the row back. */
  maxInlineWaitMs: number;
  now: () => number;
  random: () => number;
  log?: Logger;
}

/** Waits used when a destination gives no `retryAfterMs`. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

/**
 * Sends one claimed delivery and records what happened, every write guarded by the claim's lease:
 * delivered; `permanent` → dead; `refused` → refused plus the route's fallbacks; `rateLimited` →
 * back in `retryAfterMs`, no attempt counted, the destination paused; `retryable` → backoff with full
 * jitter until `maxAttempts`, then dead; an open breaker → back when it may half-open, no attempt.
 */
export class Dispatcher {
  private readonly senders = new Map<string, DeliverySender>();
  private readonly routes = new Map<string, DeliveryRoute>();

  private readonly pulledAt = new Map<string, number>();
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly store: DeliveryStore,
    senders: readonly DeliverySender[],
    routes: readonly DeliveryRoute[],
    private readonly limiter: DestinationLimiter,
    private readonly breakers: DestinationBreakers,
    private readonly options: DispatcherOptions,
  ) {
    for (const s of senders) {
      if (this.senders.has(s.destination)) throw new Error(`two senders for ${s.destination}`);
      this.senders.set(s.destination, s);
    }
    for (const r of routes) this.routes.set(r.name, r);
  }

  /** Destinations this instance can send to and that are neither paused nor behind an open breaker. */
  open(): string[] {
    return [...this.senders.keys()].filter(
      (d) => this.limiter.pausedUntil(d) === 0 && this.breakers.blockedUntil(d) === 0,
    );
  }

  destinations(): string[] {
    return [...this.senders.keys()];
  }

  /**
   * Sends `row` and records the outcome. `answered` is called once the destination has answered (or
   * the send was put back), before the outcome is written: the caller may start another send then.
   */
  async deliver(
    token: string,
    row: DeliveryRow,
    stopping: () => boolean,
    answered: () => void = () => {},
  ): Promise<void> {
    const sender = this.senders.get(row.destination)!;
    const classify = sender.classify ?? classifyByKind;
    const kindOf = (error: unknown) => safeClassify(classify, error);
    for (;;) {
      const wait = await this.limiter.acquire(row.destination);
      if (wait === 0) break;
      const leaseLeft = Number(row.lease_until) - this.options.now();
      if (wait > this.options.maxInlineWaitMs || wait > leaseLeft / 2 || stopping()) {
        await this.defer(token, row, wait, row.last_error);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const done = () => {
      this.limiter.finished(row.destination);
      answered();
    };
    let outcome: SendOutcome | undefined;
    try {
      outcome = await this.breakers.policy(row.destination, kindOf).execute(() => sender.send(toRecord(row)));
      done();
    } catch (error) {
      done();
      if (isBrokenCircuit(error)) {
        const until = this.breakers.blockedUntil(row.destination);
        await this.defer(token, row, Math.max(until - Date.now(), 100), row.last_error);
        return;
      }
      await this.failed(token, row, { ...safeClassify(classify, error), message: errorText(error) });
      return;
    }
    this.limiter.succeeded(row.destination);
    const now = this.options.now();
    this.recovered(row.destination, now);
    await this.store.record(token, row.id, {
      status: 'delivered',
      attempts: row.attempts + 1,
      reference: typeof outcome?.reference === 'string' ? outcome.reference.slice(0, 191) : null,
      updated_at: now,
      finished_at: now,
    });
  }

  /**
   * A send went through after the destination had failed: it is back. Rows of it that wait on backoff
   * are pulled forward, at most every 30 s per destination (a row that keeps failing on its own spends
   * at most one extra attempt per 30 s).
   */
  private recovered(destination: string, now: number): void {
    const pulled = this.pulledAt.get(destination) ?? 0;
    if ((this.failedAt.get(destination) ?? 0) <= pulled || now - pulled < 30_000) return;
    this.pulledAt.set(destination, now);
    this.store.pullForward(destination, now).catch((error) => {
      this.options.log?.warn({ destination, err: errorText(error) }, 'delivery: pulling forward failed');
    });
  }

  private async failed(token: string, row: DeliveryRow, failure: FailureInfo): Promise<void> {
    this.failedAt.set(row.destination, this.options.now());
    const now = this.options.now();
    const attempts = row.attempts + 1;
    switch (failure.kind) {
      case 'rateLimited': {
        const wait = failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
        this.limiter.slowDown(row.destination, wait);
        await this.defer(token, row, wait, failure.message);
        return;
      }
      case 'refused': {
        const fallbacks = await this.fallbacks(row, failure);
        await this.store.refuse(token, row, failure.message, fallbacks, now);
        return;
      }
      case 'retryable':
        if (attempts < this.options.backoff.maxAttempts) {
          await this.store.record(token, row.id, {
            attempts,
            next_attempt_at: now + fullJitterDelay(attempts, this.options.backoff, this.options.random),
            last_error: failure.message,
            updated_at: now,
          });
          return;
        }
        break;
      default:
        break;
    }
    await this.store.record(token, row.id, {
      status: 'dead',
      attempts,
      last_error: failure.message,
      updated_at: now,
      finished_at: now,
    });
    this.options.log?.warn(
      { deliveryId: row.id, destination: row.destination, kind: failure.kind, attempts },
      'delivery dead-lettered',
    );
  }

  /** Back to pending in `waitMs`; not an attempt. */
  private async defer(token: string, row: DeliveryRow, waitMs: number, lastError: string | null) {
    const now = this.options.now();
    await this.store.record(token, row.id, {
      next_attempt_at: now + Math.ceil(waitMs),
      last_error: lastError,
      updated_at: now,
    });
  }

  private async fallbacks(row: DeliveryRow, failure: FailureInfo): Promise<NewDelivery[]> {
    const route = this.routes.get(row.route);
    if (!route?.onRefused) return [];
    try {
      const planned = await route.onRefused(toRecord(row), failure);
      for (const p of planned) checkPlanned(row.route, p);
      return planned.map((p, i) => ({
        planned: p,
        outboxId: null,
        parentId: row.id,
        route: row.route,
        topic: row.topic,
        orderAt: Number(row.order_at),
        orderSeq: `${row.order_seq}/${String(i).padStart(2, '0')}`,
      }));
    } catch (error) {
      // The refusal still stands; the missing fallback shows in the log and the admin stats.
      this.options.log?.error(
        { deliveryId: row.id, route: row.route, err: describeUnexpected(error) },
        'delivery fallback planning failed',
      );
      return [];
    }
  }
}

/** The sender's classification, normalised to a {@link FailureInfo} kind; a classifier that throws means permanent. */
function safeClassify(classify: NonNullable<DeliverySender['classify']>, error: unknown) {
  try {
    return classifyByKind(classify(error));
  } catch {
    return { kind: 'permanent' as const };
  }
}
