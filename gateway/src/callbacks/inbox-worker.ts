import type { Logger } from 'pino';
import { describeUnexpected } from '../platform/logger';
import type { InboxService } from './inbox.service';

export interface InboxWorkerOptions {
  /** Pause between ticks. Default 2000 ms. */
  intervalMs?: number;
  /** Events claimed per query. Default 50. */
  batch?: number;
}

/**
 * Runs due inbox events on every gateway instance: retries after backoff, events whose in-process run
 * was lost (crash, restart) once their lease expired, and events stored by other instances. Claims
 * are per row, so instances never run one event twice at the same time.
 */
export class InboxWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private started = false;
  private stopped = false;

  constructor(
    private readonly inbox: InboxService,
    private readonly log: Logger,
    private readonly options: InboxWorkerOptions = {},
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick().then(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs ?? 2000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    clearTimeout(this.timer);
    await this.running;
    await this.inbox.drain();
  }

  /** One pass: keeps claiming while full batches come back. */
  async tick(): Promise<void> {
    const batch = this.options.batch ?? 50;
    try {
      while (!this.stopped) {
        const claimed = await this.inbox.processDue(batch);
        if (claimed < batch) return;
      }
    } catch (error) {
      this.log.error({ err: describeUnexpected(error) }, 'inbox worker: tick failed');
    }
  }
}
