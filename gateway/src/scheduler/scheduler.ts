import { randomUUID } from 'node:crypto';
import { createTask, type RunCoordinator, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Lease, LockManager } from '../platform/lock/lock';
import type { JobContext, JobDefinition, JobOutcome } from './job';
import type { JobRunsRepository } from './job-runs.repository';
import type { JobSchedule, JobsConfig } from './jobs-config';

const DEFAULT_MAX_RUN_MS = 15 * 60_000;
/** How long a job's lease lasts without a heartbeat (renewed every third of it while the run goes on). */
const LEASE_MS = 30_000;
/** How far back a missed fire is looked for at start. */
const CATCH_UP_LOOKBACK_MS = 8 * 86_400_000;

interface Registered {
  job: JobDefinition;
  schedule: JobSchedule | undefined;
  task?: ScheduledTask;
}

interface Running {
  runId: string;
  startedAt: number;
  controller: AbortController;
  done: Promise<void>;
}

export interface SchedulerOptions {
  /** This instance's name on its runs (host:pid). */
  instance: string;
  now?: () => number;
}

/**
 * Runs the registered jobs on their configured schedules with node-cron v4 in distributed mode: the
 * run coordinator lets one instance take each fire — a lease on the job (no overlap with a run still
 * going anywhere) and a unique `(job, slot)` row in `job_runs` (each fire once) — and every run is
 * recorded: start, end, outcome, counts, error, checkpoint. Works the same with one instance and the
 * in-process lock, or many instances on one database with the Redis lock.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Registered>();
  private readonly running = new Map<string, Running>();
  private readonly claimed = new Map<string, { runId: string; lease: Lease; maxRunMs: number }>();
  private stopped = false;
  private readonly now: () => number;
  // node-cron's own messages (an overlap it blocked) go to our log, not to stderr.
  private readonly cronLog = {
    info: (message: string) => this.log.debug({ source: 'node-cron' }, message),
    warn: (message: string) => this.log.debug({ source: 'node-cron' }, message),
    error: (message: string | Error) =>
      this.log.warn({ source: 'node-cron', err: String(message) }, 'node-cron error'),
    debug: (message: string | Error) => this.log.debug({ source: 'node-cron' }, String(message)),
  };

  constructor(
    private readonly runs: JobRunsRepository,
    private readonly locks: LockManager,
    private readonly config: JobsConfig,
    private readonly log: Logger,
    private readonly options: SchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, { job, schedule: this.config.jobs[job.name] ?? this.familySchedule(job.name) });
  }

  /**
   * A family entry (`reconcile.oa.*`) for jobs named after configured things (one per OA system),
   * so that a new system needs no new schedule.
   */
  private familySchedule(name: string) {
    for (let at = name.lastIndexOf('.'); at > 0; at = name.lastIndexOf('.', at - 1)) {
      const family = this.config.jobs[`${name.slice(0, at)}.*`];
      if (family) return family;
    }
    return undefined;
  }

  /** The zh-CN title of a registered job. */
  titleOf(name: string): string | undefined {
    return this.jobs.get(name)?.job.title;
  }

  /** Starts the schedules, first running the missed fires of jobs whose policy says so. */
  async start(): Promise<void> {
    // Runs left `running` by a crashed instance: failed, so that the next run resumes from their checkpoint.
    await this.runs.abandon(this.now() - DEFAULT_MAX_RUN_MS * 2, this.now());
    for (const entry of this.jobs.values()) {
      const { job, schedule } = entry;
      if (!schedule?.enabled) continue;
      const coordinator: RunCoordinator = {
        shouldRun: (key, ttlMs) =>
          this.claim(job, Date.parse(key.slice(job.name.length + 1)), 'scheduled', ttlMs),
      };
      entry.task = createTask(schedule.schedule, (ctx) => this.runClaimed(job, ctx.date.getTime()), {
        name: job.name,
        timezone: this.config.timezone,
        noOverlap: true,
        distributed: true,
        runCoordinator: coordinator,
        distributedLease: schedule.maxRunMs ?? job.maxRunMs ?? DEFAULT_MAX_RUN_MS,
        suppressMissedWarning: true,
        unref: true,
        logger: this.cronLog,
      });
      await entry.task.start();
    }
    for (const entry of this.jobs.values()) {
      if (entry.schedule?.enabled && entry.schedule.catchUp && entry.task) await this.catchUp(entry);
    }
  }

  /**
   * Stops the schedules and asks running jobs to stop at their next checkpoint; waits up to
   * `deadlineMs` for them. Their runs are recorded as stopped with where they were.
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopped = true;
    for (const entry of this.jobs.values()) await entry.task?.stop();
    for (const r of this.running.values()) r.controller.abort();
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
    for (const entry of this.jobs.values()) await entry.task?.destroy();
    // Fires elected just as the schedules stopped, whose run never began: recorded, leases freed.
    for (const [key, claim] of this.claimed) {
      this.claimed.delete(key);
      await this.runs
        .finish(claim.runId, 'stopped', this.now(), { error: '网关停止，本次未运行' })
        .catch(() => {});
      await claim.lease.release().catch(() => {});
    }
  }

  /** Every registered job with its schedule, next fire and latest run (for the admin API). */
  async list() {
    return Promise.all(
      [...this.jobs.values()].map(async ({ job, schedule, task }) => {
        const [last] = await this.runs.recent(job.name, 1);
        return {
          name: job.name,
          title: job.title,
          schedule: schedule?.schedule ?? null,
          enabled: schedule?.enabled ?? false,
          catchUp: schedule?.catchUp ?? false,
          nextRunAt: task?.getNextRun()?.toISOString() ?? null,
          runningHere: this.running.has(job.name),
          lastRun: last ? presentRun(last) : null,
        };
      }),
    );
  }

  async history(name: string, limit = 20) {
    if (!this.jobs.has(name)) return undefined;
    return (await this.runs.recent(name, limit)).map(presentRun);
  }

  /**
   * Runs a job now (an administrator's trigger). Returns the run id, `busy` when it is running on
   * some instance, undefined for an unknown job. The run continues in the background.
   */
  async trigger(name: string): Promise<{ runId: string } | 'busy' | undefined> {
    const entry = this.jobs.get(name);
    if (!entry) return undefined;
    const slot = this.now();
    if (
      !(await this.claim(
        entry.job,
        slot,
        'manual',
        entry.schedule?.maxRunMs ?? entry.job.maxRunMs ?? DEFAULT_MAX_RUN_MS,
      ))
    )
      return 'busy';
    const runId = this.claimed.get(this.key(entry.job, slot))!.runId;
    void this.runClaimed(entry.job, slot, 'manual');
    return { runId };
  }

  /** Runs a job now and waits for it (tests, the CLI). */
  async runNow(name: string): Promise<string | 'busy' | undefined> {
    const started = await this.trigger(name);
    if (!started || started === 'busy') return started;
    await this.running.get(name)?.done;
    return started.runId;
  }

  private key(job: JobDefinition, slot: number) {
    return `${job.name}@${slot}`;
  }

  /** The run coordinator's election: the job's lease, then the unique row of this fire. */
  private async claim(
    job: JobDefinition,
    slot: number,
    reason: 'scheduled' | 'manual' | 'catch-up',
    ttlMs: number,
  ): Promise<boolean> {
    if (this.stopped || Number.isNaN(slot)) return false;
    // A short lease kept alive while the run lasts (up to `ttlMs`): a killed instance frees the job
    // within LEASE_MS instead of blocking every instance until its longest run time is over.
    const lease = await this.locks.tryAcquire(`job:${job.name}`, Math.min(ttlMs, LEASE_MS));
    if (!lease) return false;
    const runId = randomUUID();
    const won = await this.runs
      .claim({
        id: runId,
        job: job.name,
        slot_at: slot,
        reason,
        instance: this.options.instance,
        status: 'running',
        started_at: this.now(),
      })
      .catch(async (error) => {
        await lease.release();
        throw error;
      });
    if (!won) {
      await lease.release();
      return false;
    }
    this.claimed.set(this.key(job, slot), { runId, lease, maxRunMs: ttlMs });
    return true;
  }

  private async runClaimed(job: JobDefinition, slot: number, reason?: 'manual' | 'catch-up'): Promise<void> {
    const key = this.key(job, slot);
    const claim = this.claimed.get(key);
    if (!claim) return;
    this.claimed.delete(key);
    if (this.stopped) {
      // Elected just as the scheduler stopped: not started, recorded so, lease freed.
      await this.runs
        .finish(claim.runId, 'stopped', this.now(), { error: '网关停止，本次未运行' })
        .catch(() => {});
      await claim.lease.release().catch(() => {});
      return;
    }
    const controller = new AbortController();
    let finish!: () => void;
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.running.set(job.name, { runId: claim.runId, startedAt: this.now(), controller, done });
    const startedAt = this.now();
    const heartbeat = setInterval(() => {
      if (this.now() - startedAt + LEASE_MS > claim.maxRunMs) return; // past its limit: let the lease lapse
      claim.lease.extend(LEASE_MS).catch(() => {});
    }, LEASE_MS / 3);
    heartbeat.unref();
    try {
      const checkpoint = await this.runs.resumePoint(job.name);
      const ctx: JobContext = {
        runId: claim.runId,
        signal: controller.signal,
        checkpoint,
        reason: reason ?? 'scheduled',
        progress: (u) => this.runs.progress(claim.runId, u.counts, u.checkpoint),
      };
      let outcome: JobOutcome | undefined;
      try {
        outcome = await job.run(ctx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await this.runs.finish(claim.runId, controller.signal.aborted ? 'stopped' : 'failed', this.now(), {
          error: message,
        });
        this.log.warn({ job: job.name, runId: claim.runId, err: message }, 'job failed');
        return;
      }
      const stoppedEarly = controller.signal.aborted && outcome?.checkpoint != null;
      await this.runs.finish(claim.runId, stoppedEarly ? 'stopped' : 'succeeded', this.now(), {
        counts: outcome?.counts,
        summary: outcome?.summary,
        checkpoint: stoppedEarly ? outcome?.checkpoint : null,
      });
      this.log.info({ job: job.name, runId: claim.runId, counts: outcome?.counts }, 'job finished');
    } catch (error) {
      this.log.error({ job: job.name, err: String(error) }, 'job run could not be recorded');
    } finally {
      clearInterval(heartbeat);
      this.running.delete(job.name);
      await claim.lease.release().catch(() => {});
      finish();
    }
  }

  /** Runs the newest missed fire (within 8 days) once, if no run has that slot or a later one. */
  private async catchUp(entry: Registered): Promise<void> {
    const task = entry.task!;
    const last = await this.runs.lastSlot(entry.job.name);
    const now = this.now();
    const minute = 60_000;
    let at = Math.floor(now / minute) * minute;
    const floor = Math.max(now - CATCH_UP_LOOKBACK_MS, last ?? now - CATCH_UP_LOOKBACK_MS);
    // Fires are minute-aligned for every schedule this policy applies to (seconds patterns do not catch up).
    while (at > floor && !task.match(new Date(at))) at -= minute;
    if (at <= floor || last === null) return; // nothing missed, or never ran here before: wait for the schedule
    if (
      await this.claim(
        entry.job,
        at,
        'catch-up',
        entry.schedule?.maxRunMs ?? entry.job.maxRunMs ?? DEFAULT_MAX_RUN_MS,
      )
    ) {
      this.log.info({ job: entry.job.name, slot: new Date(at).toISOString() }, 'running a missed job fire');
      void this.runClaimed(entry.job, at, 'catch-up');
    }
  }
}

function presentRun(row: {
  id: string;
  slot_at: number;
  reason: string;
  instance: string;
  status: string;
  started_at: number;
  finished_at: number | null;
  counts: string | null;
  summary: string | null;
  checkpoint: string | null;
  error: string | null;
}) {
  return {
    id: row.id,
    slotAt: new Date(row.slot_at).toISOString(),
    reason: row.reason,
    instance: row.instance,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    counts: row.counts ? (JSON.parse(row.counts) as Record<string, number>) : null,
    summary: row.summary,
    checkpoint: row.checkpoint,
    error: row.error,
  };
}
