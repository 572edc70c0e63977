/**
 * Group commit: concurrent callers' writes are gathered and written together, one transaction per
 * batch, so that under load N requests share one BEGIN…COMMIT (one log flush, a handful of round
 * trips) instead of paying for N. With no batch in flight an item is written on the next turn of
 * the event loop, so a quiet system adds no noticeable latency; while `concurrency` batches are in
 * flight, newcomers queue for the next.
 *
 * `flush` receives the items in arrival order and returns one outcome per item (same order). If it
 * throws, every item of that batch receives the error.
 *
 * @example
 * const writer = new GroupCommit((rows: Row[]) => writeRows(rows), { maxBatch: 64 });
 * const outcome = await writer.add(row);
 */
export interface GroupCommitOptions {
  /** Most items in one batch. */
  maxBatch: number;
  /** Batches written at the same time (each takes a connection). */
  concurrency: number;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private scheduled = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions = { maxBatch: 64, concurrency: 2 },
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.inFlight + this.scheduled < this.options.concurrency) {
        // Start on the next turn of the event loop, not now: requests whose bodies arrived in the same
        // I/O phase join this batch. SQLite runs a whole batch without yielding to I/O, so without this
        // pause every batch there would hold one item.
        this.scheduled++;
        setImmediate(() => {
          this.scheduled--;
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        try {
          const results = await this.flush(batch.map((w) => w.item));
          for (const [i, w] of batch.entries()) w.resolve(results[i]!);
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.inFlight--;
    }
  }
}
