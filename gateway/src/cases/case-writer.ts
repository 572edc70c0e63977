import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { GroupCommit } from '../platform/db/group-commit';
import { inTransaction, type Tx } from '../platform/db/transaction';
import type { OutboxMessage, OutboxWriter } from '../platform/outbox/outbox';
import type { CaseEventRow, CaseRow, CasesRepository, IdempotencyRow } from './cases.repository';

/** Everything one submission writes, all or nothing. */
export interface NewCase {
  key: IdempotencyRow;
  row: CaseRow;
  event: CaseEventRow;
  message: OutboxMessage;
  /** More writes of this case inside its transaction (marking its materials as used). */
  alsoWrite?: (tx: Tx) => Promise<void>;
  /** The case's flow, prepared by the workflow; the flows of a batch are written together. */
  flow?: unknown;
}

/** `duplicate`: the (citizen, key) row exists already (or came first in the same batch): replay it. */
export type WriteOutcome = 'created' | 'duplicate' | { error: unknown };

/**
 * Writes new cases with group commit: concurrent submissions share one transaction (multi-row
 * inserts of key rows, cases, timeline entries and outbox messages). Every item still commits
 * atomically with its own rows, and nothing is acknowledged before its commit. When a batch hits an
 * existing key, its items are written one by one so that only the duplicate becomes a replay.
 */
export class CaseWriter {
  private readonly group: GroupCommit<NewCase, WriteOutcome>;

  constructor(
    private readonly db: Db,
    private readonly repo: CasesRepository,
    private readonly outbox: OutboxWriter,
    private readonly writeFlows: (tx: Tx, flows: unknown[]) => Promise<void> = async () => {},
    options = { maxBatch: 64, concurrency: 2 },
  ) {
    this.group = new GroupCommit((items) => this.flush(items), options);
  }

  async write(item: NewCase): Promise<'created' | 'duplicate'> {
    const outcome = await this.group.add(item);
    if (typeof outcome === 'object') throw outcome.error;
    return outcome;
  }

  private async flush(items: NewCase[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = items.map(() => 'duplicate');
    const seen = new Set<string>();
    const fresh: number[] = [];
    items.forEach((item, i) => {
      const id = `${item.key.citizen_id}\n${item.key.idem_key}`;
      if (seen.has(id)) return; // same key twice in one batch: the first wins, the rest replay it
      seen.add(id);
      fresh.push(i);
    });
    try {
      await this.insert(fresh.map((i) => items[i]!));
      for (const i of fresh) outcomes[i] = 'created';
      return outcomes;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    for (const i of fresh) {
      try {
        await this.insert([items[i]!]);
        outcomes[i] = 'created';
      } catch (error) {
        outcomes[i] = isUniqueViolation(error) ? 'duplicate' : { error };
      }
    }
    return outcomes;
  }

  private insert(batch: NewCase[]) {
    const now = batch[0]!.row.created_at;
    return inTransaction(this.db, async (tx) => {
      // Key rows first: a concurrent duplicate on another instance blocks or fails here, before any case row.
      await this.repo.insertIdempotency(
        tx,
        batch.map((b) => b.key),
      );
      await this.repo.insertCases(
        tx,
        batch.map((b) => b.row),
        batch.map((b) => b.event),
      );
      await this.outbox.enqueueAll(
        tx,
        batch.map((b) => b.message),
        now,
      );
      for (const b of batch) await b.alsoWrite?.(tx);
      const flows = batch.flatMap((b) => (b.flow === undefined ? [] : [b.flow]));
      if (flows.length > 0) await this.writeFlows(tx, flows);
    });
  }
}
