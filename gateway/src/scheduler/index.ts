/**
 * Scheduled jobs: node-cron v4 in distributed mode, one instance per fire, runs recorded.
 * Contexts plug in with {@link JobDefinition}.
 *
 * @packageDocumentation
 */
export type { JobContext, JobDefinition, JobOutcome } from './job';
export { JobRunsRepository } from './job-runs.repository';
export { type JobSchedule, type JobsConfig, loadJobsConfig, parseJobsConfig } from './jobs-config';
export { Scheduler, type SchedulerOptions } from './scheduler';
export { schedulerMigrations } from './scheduler.migrations';
export { schedulerRoutes } from './scheduler.routes';
