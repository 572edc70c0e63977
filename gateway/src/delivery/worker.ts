import type { Logger } from 'pino';
import type { Db } from '../platform/db/database';
import { describeUnexpected } from '../platform/logger';
import type { RateLimiterFactory } from '../platform/ratelimit/rate-limit';
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { type BreakerOptions, type BreakerState, DEFAULT_BREAKER, DestinationBreakers } from './breakers';
import type { DeliveryRoute, DeliverySender } from './delivery.types';
import { DeliveryStore, leaseToken } from './delivery-store';
import { Dispatcher } from './dispatcher';
import { DestinationLimiter } from './rate-limiter';
import { OutboxRouter } from './router';

export interface DeliveryWorkerOptions {
  /** This instance's name in leases (e.g. `host:pid`); at most 60 characters are used. */
  name: string;
  /** Wait between rounds that found nothing to do. Default 500 ms. */
  pollIntervalMs?: number;
  /** Rows claimed per round (outbox messages and deliveries). Default 50. */
  batchSize?: number;
  /** Sends in flight at once in this instance. Default 8. */
  concurrency?: number;
  /** How long a claim holds a row; a crashed instance's rows come back after it. Default 60 s. */
  leaseMs?: number;
  /** Retries of failed sends. */
  backoff?: Partial<BackoffOptions>;
  /** Retries of a route's `plan` that threw. Default: 1 s base, 1 min cap, 5 attempts. */
  routingBackoff?: Partial<BackoffOptions>;
  breaker?: Partial<BreakerOptions>;
  /** Sends per second per destination, per instance (see {@link DestinationLimiter}). */
  qps?: Record<string, number>;
  /** The shared rate-limit port, to hold `qps` across all instances (Redis when configured). */
  sharedRateLimit?: RateLimiterFactory;
  /** A rate-limit wait up to this long is slept through; longer ones put the row back. Default 1 s. */
  maxInlineWaitMs?: number;
  log?: Logger;
  now?: () => number;
  random?: () => number;
}

export interface DrainOptions {
  /** Stop when the next row becomes due later than this from now. Default 5 s. */
  maxWaitMs?: number;
  /** Stop after this long in any case. Default 30 s. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The delivery loop of one gateway instance: route new outbox messages, claim due deliveries and
 * send them through the registered senders, `concurrency` at a time. Any number of instances run it
 * on one database; the rows are the only shared state (plus the shared rate limiter when given).
 */
export class DeliveryWorker {
  private readonly store: DeliveryStore;
  private readonly router: OutboxRouter;
  private readonly dispatcher: Dispatcher;
  private readonly breakers: DestinationBreakers;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claim tokens with sends still in flight (released on stop). */
  private readonly tokens = new Map<string, number>();
  private readonly o: Required<
    Pick<
      DeliveryWorkerOptions,
      'name' | 'pollIntervalMs' | 'batchSize' | 'concurrency' | 'leaseMs' | 'now' | 'random'
    >
  >;
  private loop?: Promise<void>;
  private stopped = true;
  private wake?: () => void;

  constructor(
    db: Db,
    routes: readonly DeliveryRoute[],
    senders: readonly DeliverySender[],
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.o = {
      name: options.name,
      pollIntervalMs: options.pollIntervalMs ?? 500,
      batchSize: options.batchSize ?? 50,
      concurrency: options.concurrency ?? 8,
      leaseMs: options.leaseMs ?? 60_000,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.store = new DeliveryStore(db);
    this.breakers = new DestinationBreakers({ ...DEFAULT_BREAKER, ...options.breaker });
    const limiter = new DestinationLimiter({
      qps: options.qps ?? {},
      ...(options.sharedRateLimit ? { shared: options.sharedRateLimit } : {}),
      now: this.o.now,
    });
    this.router = new OutboxRouter(this.store, routes, {
      owner: this.o.name,
      leaseMs: this.o.leaseMs,
      batchSize: this.o.batchSize,
      backoff: { baseMs: 1000, capMs: 60_000, maxAttempts: 5, ...options.routingBackoff },
      now: this.o.now,
      random: this.o.random,
    });
    this.dispatcher = new Dispatcher(this.store, senders, routes, limiter, this.breakers, {
      leaseMs: this.o.leaseMs,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
      maxInlineWaitMs: options.maxInlineWaitMs ?? 1000,
      now: this.o.now,
      random: this.o.random,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /**
   * Stops claiming, lets sends in flight finish for up to `deadlineMs`, then releases the leases of
   * those still running (another instance may send them again: the idempotency key makes it once).
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.store.releaseDeliveries([...this.tokens.keys()]);
    this.tokens.clear();
  }

  /**
   * Runs rounds until nothing is due (for tests and the bench): waits for retries and leases that
   * fall due within `maxWaitMs`, and gives up after `timeoutMs`. Not while `start()` runs.
   */
  async drain(options: DrainOptions = {}): Promise<void> {
    if (!this.stopped) throw new Error('drain() while the worker loop runs');
    const maxWaitMs = options.maxWaitMs ?? 5000;
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      const worked = await this.routeOnce();
      const claimed = await this.dispatchOnce();
      await this.settled();
      if (worked + claimed > 0) continue;
      const due = await this.store.nextDue(this.dispatcher.destinations());
      if (due === undefined) return;
      const wait = due - this.o.now();
      if (wait > maxWaitMs) return;
      await sleep(Math.min(Math.max(wait, 5), this.o.pollIntervalMs));
    }
  }

  /** Routes one batch of outbox messages; returns how many it handled. */
  routeOnce(): Promise<number> {
    return this.router.routeOnce();
  }

  /** Claims due deliveries for the free send slots and starts sending them; returns how many. */
  async dispatchOnce(): Promise<number> {
    const free = Math.min(this.o.concurrency - this.inFlight.size, this.o.batchSize);
    if (free <= 0) return 0;
    const token = leaseToken(this.o.name);
    const rows = await this.store.claimDeliveries(
      token,
      this.o.now(),
      this.o.leaseMs,
      free,
      this.dispatcher.open(),
    );
    if (rows.length === 0) return 0;
    this.tokens.set(token, rows.length);
    for (const row of rows) {
      const sending: Promise<void> = this.dispatcher
        .deliver(token, row, () => this.stopped)
        .catch((error) => {
          // The lease runs out and the row is claimed again.
          this.options.log?.error(
            { deliveryId: row.id, err: describeUnexpected(error) },
            'delivery: recording the outcome failed',
          );
        })
        .finally(() => {
          this.inFlight.delete(sending);
          const left = (this.tokens.get(token) ?? 1) - 1;
          if (left === 0) this.tokens.delete(token);
          else this.tokens.set(token, left);
          this.wake?.();
        });
      this.inFlight.add(sending);
    }
    return rows.length;
  }

  /** Resolves when every send started so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  breakerStates(): Record<string, BreakerState> {
    return this.breakers.states();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = 0;
      try {
        worked = await this.routeOnce();
        worked += await this.dispatchOnce();
      } catch (error) {
        this.options.log?.error({ err: describeUnexpected(error) }, 'delivery: round failed');
      }
      if (this.stopped) return;
      if (worked === 0 || this.inFlight.size >= this.o.concurrency) await this.idle();
    }
  }

  /** Waits for the poll interval, a finished send (it may unblock the next of its orderKey) or stop. */
  private async idle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, this.o.pollIntervalMs);
    });
    clearTimeout(timer);
    this.wake = undefined;
  }
}
