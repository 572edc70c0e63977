/**
 * A scheduled job: named, run by the scheduler on exactly one instance per fire, never overlapping
 * itself. Contexts register their jobs (org sync, audit checkpoints, reconciliation); when and
 * whether they run is configuration (config/jobs.json).
 *
 * @example
 * const checkpoint: JobDefinition = {
 *   name: 'audit.checkpoint', title: '审计日志签名检查点',
 *   run: async (ctx) => { const cp = await audit.checkpoint(signer); return { counts: { seq: cp?.seq ?? 0 } }; },
 * };
 */
export interface JobDefinition {
  /** Stable name (`org.sync.dingtalk`): the key of its schedule, runs and lock. */
  readonly name: string;
  /** zh-CN title shown to administrators. */
  readonly title: string;
  /** Longest a run may hold the job's lease (default 15 minutes); a crashed holder frees it after this. */
  readonly maxRunMs?: number;
  run(ctx: JobContext): Promise<JobOutcome | undefined>;
}

export interface JobContext {
  /** This run's id (its `job_runs` row): reports the job writes (drift found) refer to it. */
  readonly runId: string;
  /** Aborted on shutdown: finish the current batch, report a checkpoint and return. */
  readonly signal: AbortSignal;
  /** Where the last unfinished run of this job stopped (its last reported checkpoint), if any. */
  readonly checkpoint: string | null;
  /** `manual` when an administrator triggered it, `catch-up` when it fires for a missed schedule. */
  readonly reason: 'scheduled' | 'manual' | 'catch-up';
  /** Records progress on the run (counts so far, and where to resume from). */
  progress(update: { counts?: Record<string, number>; checkpoint?: string | null }): Promise<void>;
}

export interface JobOutcome {
  counts?: Record<string, number>;
  /** A short zh-CN summary for administrators (no personal data). */
  summary?: string;
  /** Set when a run stopped early (on shutdown): where the next run continues. */
  checkpoint?: string | null;
}
