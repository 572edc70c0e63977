import type { Db } from '../platform/db/database';
import { GroupCommit } from '../platform/db/group-commit';
import { inTransaction, type Tx } from '../platform/db/transaction';

/** One command's pending write. */
export interface PendingWrite<P> {
  /** Runs first inside the transaction; false skips the item (a timer another instance fired). */
  before?: (tx: Tx) => Promise<boolean>;
  /** Undoes `before` when the write then conflicts (the command runs again; the claim must not stay). */
  undoBefore?: (tx: Tx) => Promise<void>;
  payload: P;
}

export type WriteResult = 'written' | 'conflict' | 'skipped' | { error: unknown };

/**
 * Writes concurrent workflow commands with group commit: the commands of many staff (on different
 * cases) share one transaction and one log flush instead of paying a commit each, and their rows go
 * in as multi-row inserts. Each item stays all-or-nothing: `persist` guards every item by the version
 * of its instance row and reports the items whose guard failed, which wrote nothing (their commands
 * run again on the new state). A batch that fails for any other reason is retried item by item, so
 * that one bad item does not fail its neighbours.
 */
export class WorkflowWriter<P> {
  private readonly group: GroupCommit<PendingWrite<P>, WriteResult>;

  constructor(
    private readonly db: Db,
    private readonly persist: (tx: Tx, payloads: P[]) => Promise<boolean[]>,
    options = { maxBatch: 64, concurrency: 2 },
  ) {
    this.group = new GroupCommit((items) => this.flush(items), options);
  }

  async write(item: PendingWrite<P>): Promise<'written' | 'conflict' | 'skipped'> {
    const result = await this.group.add(item);
    if (typeof result === 'object') throw result.error;
    return result;
  }

  private async flush(items: PendingWrite<P>[]): Promise<WriteResult[]> {
    try {
      return await inTransaction(this.db, (tx) => this.run(tx, items));
    } catch (error) {
      if (items.length === 1) return [{ error }];
    }
    const results: WriteResult[] = [];
    for (const item of items) {
      try {
        results.push((await inTransaction(this.db, (tx) => this.run(tx, [item])))[0]!);
      } catch (error) {
        results.push({ error });
      }
    }
    return results;
  }

  private async run(tx: Tx, items: PendingWrite<P>[]): Promise<WriteResult[]> {
    const results: WriteResult[] = [];
    const go: number[] = [];
    for (const [i, item] of items.entries()) {
      if (item.before && !(await item.before(tx))) results[i] = 'skipped';
      else go.push(i);
    }
    const ok = await this.persist(
      tx,
      go.map((i) => items[i]!.payload),
    );
    for (const [k, i] of go.entries()) {
      if (ok[k]) results[i] = 'written';
      else {
        await items[i]!.undoBefore?.(tx);
        results[i] = 'conflict';
      }
    }
    return results;
  }
}
