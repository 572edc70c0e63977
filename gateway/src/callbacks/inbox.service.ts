import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../platform/db/database';
import { describeUnexpected } from '../platform/logger';
import { type InboxPage, InboxRepository } from './inbox.repository';
import type { InboxInput, InboxRow, InboxStatus } from './inbox.types';
import { DEFAULT_RETRY_POLICY, type InboxRetryPolicy, inboxRetryDelay } from './inbox-backoff';
import { type InboxEvent, type InboxHandlers, PermanentInboxError } from './inbox-handlers';

export interface InboxServiceOptions {
  now?: () => number;
  /** How long a run holds an event before another instance may take it over. Default 60 s. */
  leaseMs?: number;
  retry?: Partial<InboxRetryPolicy>;
  log?: Logger;
}

/** The outcome of {@link InboxService.receive}. */
export interface Received {
  id: string;
  /** The event was already in the inbox: acknowledge it, do not apply it again. */
  duplicate: boolean;
  status: InboxStatus;
}

/** The outcome of one run over one row; `skipped` when the row was not claimable. */
export type RunOutcome = 'done' | 'ignored' | 'retry' | 'dead' | 'skipped';

const MAX_KEY_CHARS = 191;
const MAX_TYPE_CHARS = 64;

/** Keys past the column width are replaced by their digest: still unique, still stable. */
function storableKey(key: string): string {
  return key.length <= MAX_KEY_CHARS ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The callbacks inbox: records each inbound event once (per source and dedupe key) before the
 * platform is answered, then applies it through {@link InboxHandlers}, retrying failures with backoff
 * under a lease so that one instance runs one event at a time.
 */
export class InboxService {
  readonly repository: InboxRepository;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly retryPolicy: InboxRetryPolicy;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    db: Db,
    private readonly handlers: InboxHandlers,
    private readonly options: InboxServiceOptions = {},
  ) {
    this.repository = new InboxRepository(db);
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /**
   * Durably records the event (committed when this resolves) or recognises a redelivery. An event
   * without a handler is stored `ignored`. Throws when the database fails: the caller answers so that
   * the platform redelivers.
   */
  async receive(input: InboxInput): Promise<Received> {
    const dedupeKey = storableKey(input.dedupeKey);
    const eventType = input.eventType.slice(0, MAX_TYPE_CHARS) || 'unknown';
    const now = this.now();
    const status: InboxStatus = this.handlers.has(input.source, eventType) ? 'pending' : 'ignored';
    const row: InboxRow = {
      id: randomUUID(),
      source: input.source,
      dedupe_key: dedupeKey,
      event_type: eventType,
      payload: JSON.stringify(input.payload),
      status,
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: 0,
      last_error: null,
      received_at: now,
      processed_at: status === 'ignored' ? now : null,
    };
    if (await this.repository.insert(row)) return { id: row.id, duplicate: false, status };
    const existing = await this.repository.findByKey(input.source, dedupeKey);
    if (!existing) throw new Error('inbox row vanished after a duplicate key');
    return { id: existing.id, duplicate: true, status: existing.status };
  }

  /**
   * Runs the event in the background (after the HTTP answer). Failures are left to the retry schedule;
   * {@link drain} waits for these runs.
   */
  processSoon(id: string): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.process(id))
      .catch((error) => {
        this.options.log?.error({ err: describeUnexpected(error), inboxId: id }, 'inbox: run failed');
      });
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Waits for the runs started by {@link processSoon}. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Claims and runs one event if it is due; see {@link RunOutcome}. */
  async process(id: string): Promise<RunOutcome> {
    const owner = randomUUID();
    const row = await this.repository.claim(id, owner, this.now(), this.leaseMs);
    if (!row) return 'skipped';
    const handler = this.handlers.find(row.source, row.event_type);
    if (!handler) {
      await this.repository.finish(id, owner, { status: 'ignored', at: this.now() });
      return 'ignored';
    }
    const event: InboxEvent = {
      id: row.id,
      source: row.source,
      eventType: row.event_type,
      dedupeKey: row.dedupe_key,
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      receivedAt: row.received_at,
      attempt: row.attempts,
    };
    try {
      await handler(event);
    } catch (error) {
      return this.failed(row, owner, error);
    }
    const kept = await this.repository.finish(id, owner, { status: 'done', at: this.now() });
    if (!kept) this.options.log?.warn({ inboxId: id }, 'inbox: lease lost while the handler ran');
    return 'done';
  }

  /** Runs up to `limit` due events (the worker's tick); returns how many were claimed. */
  async processDue(limit = 50): Promise<number> {
    let claimed = 0;
    for (const id of await this.repository.due(this.now(), limit)) {
      if ((await this.process(id)) !== 'skipped') claimed++;
    }
    return claimed;
  }

  list(filter: {
    status?: InboxStatus;
    source?: string;
    after?: { receivedAt: number; id: string };
    limit: number;
  }): Promise<InboxPage> {
    return this.repository.list(filter);
  }

  /**
   * Admin retry of a `dead` or `ignored` event: back to pending with fresh attempts, run at once.
   * `not-found` / `not-retryable` otherwise.
   */
  async retry(id: string): Promise<InboxRow | 'not-found' | 'not-retryable'> {
    if (await this.repository.requeue(id, this.now())) {
      this.processSoon(id);
      return (await this.repository.get(id))!;
    }
    return (await this.repository.get(id)) ? 'not-retryable' : 'not-found';
  }

  private async failed(row: InboxRow, owner: string, error: unknown): Promise<RunOutcome> {
    const now = this.now();
    const permanent = error instanceof PermanentInboxError;
    const code = permanent ? `permanent:${error.reason}` : describeUnexpected(error).errorClass;
    const log = { inboxId: row.id, source: row.source, eventType: row.event_type, attempt: row.attempts };
    if (permanent || row.attempts >= this.retryPolicy.maxAttempts) {
      await this.repository.finish(row.id, owner, { status: 'dead', at: now, error: code });
      this.options.log?.error({ ...log, error: code }, 'inbox: event is dead');
      return 'dead';
    }
    const retryAt = now + inboxRetryDelay(row.attempts, this.retryPolicy);
    await this.repository.finish(row.id, owner, { status: 'pending', retryAt, error: code });
    this.options.log?.warn({ ...log, error: code }, 'inbox: handler failed; retried later');
    return 'retry';
  }
}
