import type { Db } from '../platform/db/database';
import type { JobDefinition } from '../scheduler/job';
import { runSweeps, type Sweep } from './keyset-sweep';

/** A housekeeping job made of sweeps: batched, resumable from its checkpoint, counts + zh-CN summary. */
export function sweepJob(
  name: string,
  title: string,
  database: Db,
  sweeps: readonly Sweep[],
  options: { batchSize: number; now: () => number },
): JobDefinition {
  return {
    name,
    title,
    // A large first backlog may take a while; the run still stops between batches on shutdown.
    maxRunMs: 60 * 60_000,
    run: (ctx) => runSweeps(database, ctx, sweeps, options),
  };
}
