import type { Logger } from 'pino';
import type { Db } from '../platform/db/database';
import { describeUnexpected } from '../platform/logger';
import type { RateLimiterFactory } from '../platform/ratelimit/rate-limit';
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { type BreakerOptions, type BreakerState, DEFAULT_BREAKER, DestinationBreakers } from './breakers';
import type { DeliveryRow } from './delivery.migrations';
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
  /**
   * Rows claimed per round (outbox messages and deliveries). Default 50. Claimed deliveries wait in
   * this instance's queue for a free send slot: one claim query feeds many sends.
   */
  batchSize?: number;
  /** Sends in flight (waiting for their destination's answer) at once in this instance. Default 8. */
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
  /** Sends and the writing of their outcomes. */
  private readonly inFlight = new Set<Promise<void>>();
  /** Sends waiting for their destination's answer (what `concurrency` limits). */
  private sending = 0;
  /** Claimed deliveries waiting for a send slot, in claim order (heads of their orderKeys only). */
  private readonly queue: { token: string; row: DeliveryRow }[] = [];
  /** Claim tokens with rows queued or in flight (released on stop). */
  private readonly tokens = new Map<string, number>();
  /** When routing last found nothing (routing is then polled, not run on every finished send). */
  private idleRouteAt = Number.NEGATIVE_INFINITY;
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
    this.queue.length = 0;
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

  /**
   * Starts sends for the free slots from this instance's queue of claimed deliveries, first claiming
   * up to `batchSize` more when fewer than `concurrency` are queued; returns how many started.
   */
  async dispatchOnce(): Promise<number> {
    let free = this.o.concurrency - this.sending;
    if (free <= 0) return 0;
    // Claim before the queue runs dry, so that a claim query feeds many sends.
    if (this.queue.length < this.o.concurrency) {
      await this.claim(Math.max(this.o.batchSize, free) - this.queue.length);
    }
    let started = 0;
    // A queued row whose lease is half gone is left to run out: it comes back to whoever claims it then.
    const fresh = this.o.now() + this.o.leaseMs / 2;
    while (free > 0 && this.queue.length > 0) {
      const { token, row } = this.queue.shift()!;
      if (Number(row.lease_until) < fresh) {
        this.release(token);
        continue;
      }
      this.send(token, row);
      free--;
      started++;
    }
    return started;
  }

  private async claim(limit: number): Promise<void> {
    if (limit <= 0) return;
    const token = leaseToken(this.o.name);
    const rows = await this.store.claimDeliveries(
      token,
      this.o.now(),
      this.o.leaseMs,
      limit,
      this.dispatcher.open(),
    );
    if (rows.length === 0) return;
    this.tokens.set(token, rows.length);
    for (const row of rows) this.queue.push({ token, row });
  }

  private send(token: string, row: DeliveryRow): void {
    this.sending++;
    let answered = false;
    // The slot is free once the destination answered: the outcome is written in the background
    // (group commit), and the row stays leased, so its orderKey's next delivery waits for it.
    const answer = () => {
      if (answered) return;
      answered = true;
      this.sending--;
      this.wake?.();
    };
    const sending: Promise<void> = this.dispatcher
      .deliver(token, row, () => this.stopped, answer)
      .catch((error) => {
        // The lease runs out and the row is claimed again.
        this.options.log?.error(
          { deliveryId: row.id, err: describeUnexpected(error) },
          'delivery: recording the outcome failed',
        );
      })
      .finally(() => {
        answer();
        this.inFlight.delete(sending);
        this.release(token);
        this.wake?.();
      });
    this.inFlight.add(sending);
  }

  /** One row of `token` is done with (sent, or dropped from the queue). */
  private release(token: string): void {
    const left = (this.tokens.get(token) ?? 1) - 1;
    if (left === 0) this.tokens.delete(token);
    else this.tokens.set(token, left);
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
        // Routing runs every round while it finds messages, otherwise once per poll interval.
        if (this.o.now() - this.idleRouteAt >= this.o.pollIntervalMs) {
          const routed = await this.routeOnce();
          this.idleRouteAt = routed > 0 ? Number.NEGATIVE_INFINITY : this.o.now();
          worked += routed;
        }
        worked += await this.dispatchOnce();
      } catch (error) {
        this.options.log?.error({ err: describeUnexpected(error) }, 'delivery: round failed');
      }
      if (this.stopped) return;
      if (worked === 0 || this.sending >= this.o.concurrency) await this.idle();
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
