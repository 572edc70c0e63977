import type { Logger } from 'pino';
import { describeUnexpected } from '../platform/logger';
import type { WorkflowRepository } from './workflow.repository';
import type { WorkflowService } from './workflow.service';

export interface TimerRunnerOptions {
  /** How often due timers are looked for. */
  intervalMs: number;
  /** Name of this gateway instance in the timers' `fired_by`. */
  name: string;
  batch?: number;
  now?: () => number;
}

/**
 * Fires the workflow's durable timers. Every gateway instance runs one: each due timer is claimed in
 * the transaction that applies it, so it fires once however many instances look. Timers that fell
 * due while every instance was down fire at the first tick after start.
 */
export class TimerRunner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly repo: WorkflowRepository,
    private readonly workflow: WorkflowService,
    private readonly log: Logger,
    private readonly options: TimerRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error) => {
        this.log.error({ err: describeUnexpected(error) }, 'workflow timers: tick failed');
        return 0;
      });
      void this.running.then(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.intervalMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Fires every timer due now; returns how many this instance fired. */
  async tick(): Promise<number> {
    const now = (this.options.now ?? Date.now)();
    let fired = 0;
    for (;;) {
      const due = await this.repo.dueTimers(now, this.options.batch ?? 100);
      let progressed = 0;
      for (const timer of due) {
        if (this.stopped) return fired;
        try {
          progressed++;
          if (await this.workflow.fireTimer(timer, this.options.name)) fired++;
        } catch (error) {
          progressed--;
          this.log.warn(
            { err: describeUnexpected(error), timerId: timer.id },
            'workflow timer failed; retried next tick',
          );
        }
      }
      // A full batch that moved nothing (every timer failing) waits for the next tick instead of spinning.
      if (due.length < (this.options.batch ?? 100) || progressed === 0) return fired;
    }
  }
}
