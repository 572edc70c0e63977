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

/**
 * The window the hard limit is kept over. It counts from when each send was *answered* (sends still
 * waiting count as now): a send's answer comes after it reached the platform, so however late the
 * request left (a busy event loop, a slow network), no `qps + 1` calls reach it in one second.
 */
export const LIMIT_WINDOW_MS = 1005;

interface Bucket {
  qps: number;
  /** When the next send is due at the current rate (GCRA's theoretical arrival time). */
  dueAt: number;
  /** Sends granted and not yet {@link DestinationLimiter.finished}. */
  unanswered: number;
  /** When the recent sends were answered, oldest first (those older than the window are dropped). */
  answeredAt: number[];
  /** 1 normally; halved by each rate-limit answer, regained on successes. */
  factor: number;
}

/**
 * Paced sends per destination: one every `1000 / qps` ms (a late send may catch up by half an
 * interval), and never more than `qps` reaching the platform in any second: sends waiting for
 * their answer plus those answered within {@link LIMIT_WINDOW_MS} stay under `qps` (report each
 * send's end with {@link DestinationLimiter.finished}). A destination that answers "rate limited"
 * is paused for its `retryAfterMs` and its rate halved (down to a tenth), then the rate creeps
 * back by 5 % per successful send.
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

  /**
   * 0 when a send to `destination` may go now (its slot is taken: call {@link finished} when it
   * ends), else the milliseconds to wait.
   */
  async acquire(destination: string): Promise<number> {
    const now = this.now();
    const paused = this.pauses.get(destination) ?? 0;
    if (paused > now) return paused - now;
    const bucket = this.bucket(destination);
    if (!bucket) return 0;
    const interval = 1000 / (bucket.qps * bucket.factor);
    const paceWait = bucket.dueAt - interval / 2 - now;
    const limit = Math.max(1, Math.floor(bucket.qps));
    const recent = bucket.answeredAt;
    while (recent.length > 0 && recent[0]! <= now - LIMIT_WINDOW_MS) recent.shift();
    // Sends that must leave the window before this one may go; unanswered ones leave last.
    const over = bucket.unanswered + recent.length - limit + 1;
    const windowWait =
      over <= 0 ? 0 : over <= recent.length ? recent[over - 1]! + LIMIT_WINDOW_MS - now : interval / 2;
    const wait = Math.max(paceWait, windowWait);
    if (wait > 0) return Math.max(1, Math.ceil(wait));
    const shared = this.sharedLimiter(destination, bucket.qps);
    if (shared) {
      const decision = await shared.consume(destination);
      if (!decision.allowed) return decision.retryAfterSeconds * 1000;
    }
    bucket.dueAt = Math.max(bucket.dueAt, now) + interval;
    bucket.unanswered++;
    return 0;
  }

  /** A send granted by {@link acquire} ended (answered, failed, or not made). */
  finished(destination: string): void {
    const bucket = this.buckets.get(destination);
    if (!bucket || bucket.unanswered === 0) return;
    bucket.unanswered--;
    bucket.answeredAt.push(this.now());
  }

  /** The destination said "too fast": no sends before `retryAfterMs` from now, and a lower rate after. */
  slowDown(destination: string, retryAfterMs: number): void {
    this.pauses.set(destination, Math.max(this.pauses.get(destination) ?? 0, this.now() + retryAfterMs));
    const bucket = this.bucket(destination);
    if (!bucket) return;
    bucket.factor = Math.max(0.1, bucket.factor / 2);
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
      bucket = { qps, dueAt: this.now(), unanswered: 0, answeredAt: [], factor: 1 };
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
