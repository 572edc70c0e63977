import type { RateLimiterFactory } from '../platform/ratelimit/rate-limit';

export interface DestinationLimiterOptions {
  /** Sends per second per destination (e.g. `{'dingtalk.todo': 20}`); a destination not named is not limited. */
  qps: Record<string, number>;
  /**
   * The shared rate-limit port (Redis when configured): every instance also takes a point from a
   * one-second window of `qps` points per destination, so that all instances together stay under it.
   * Fixed windows can let up to 2×qps through around a window edge: configure `qps` a little under
   * the platform's limit. Without it each instance keeps to `qps` alone (give each qps / instances).
   */
  shared?: RateLimiterFactory;
  now?: () => number;
}

interface Bucket {
  qps: number;
  tokens: number;
  refilledAt: number;
  /** 1 normally; halved by each rate-limit answer, regained on successes. */
  factor: number;
}

/**
 * A token bucket per destination (burst = one second of sends). A destination that answers
 * "rate limited" is paused for its `retryAfterMs` and its rate halved (down to a tenth), then the
 * rate creeps back by 5 % per successful send.
 */
export class DestinationLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Destinations (limited or not) that said "too fast", until when. */
  private readonly pauses = new Map<string, number>();
  private readonly shared = new Map<string, ReturnType<RateLimiterFactory>>();
  private readonly now: () => number;

  constructor(private readonly options: DestinationLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** 0 when a send to `destination` may go now (its token is taken), else the milliseconds to wait. */
  async acquire(destination: string): Promise<number> {
    const now = this.now();
    const paused = this.pauses.get(destination) ?? 0;
    if (paused > now) return paused - now;
    const bucket = this.bucket(destination);
    if (!bucket) return 0;
    const rate = bucket.qps * bucket.factor;
    bucket.tokens = Math.min(bucket.qps, bucket.tokens + ((now - bucket.refilledAt) * rate) / 1000);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 1000) / rate));
    bucket.tokens -= 1;
    const shared = this.sharedLimiter(destination, bucket.qps);
    if (shared) {
      const decision = await shared.consume(destination);
      if (!decision.allowed) return decision.retryAfterSeconds * 1000;
    }
    return 0;
  }

  /** The destination said "too fast": no sends before `retryAfterMs` from now, and a lower rate after. */
  slowDown(destination: string, retryAfterMs: number): void {
    this.pauses.set(destination, Math.max(this.pauses.get(destination) ?? 0, this.now() + retryAfterMs));
    const bucket = this.bucket(destination);
    if (!bucket) return;
    bucket.factor = Math.max(0.1, bucket.factor / 2);
    bucket.tokens = 0;
  }

  succeeded(destination: string): void {
    const bucket = this.buckets.get(destination);
    if (bucket && bucket.factor < 1) bucket.factor = Math.min(1, bucket.factor * 1.05);
  }

  /** Epoch ms until which `destination` is paused (0 when it is not). */
  pausedUntil(destination: string): number {
    const until = this.pauses.get(destination) ?? 0;
    return until > this.now() ? until : 0;
  }

  private bucket(destination: string): Bucket | undefined {
    let bucket = this.buckets.get(destination);
    if (!bucket) {
      const qps = this.options.qps[destination];
      if (qps === undefined || !(qps > 0)) return undefined;
      bucket = { qps, tokens: qps, refilledAt: this.now(), factor: 1 };
      this.buckets.set(destination, bucket);
    }
    return bucket;
  }

  private sharedLimiter(destination: string, qps: number) {
    if (!this.options.shared) return undefined;
    let limiter = this.shared.get(destination);
    if (!limiter) {
      limiter = this.options.shared({
        name: `delivery:${destination}`,
        points: Math.max(1, Math.floor(qps)),
        durationSeconds: 1,
      });
      this.shared.set(destination, limiter);
    }
    return limiter;
  }
}
