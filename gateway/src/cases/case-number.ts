import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { inTransaction } from '../platform/db/transaction';

interface BlockTable {
  case_number_blocks: { day: string; next_value: number };
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

let lastDay = { start: 0, end: 0, day: '' };

/** The calendar day in China (UTC+8) as YYYYMMDD: case numbers follow the service centre's day, not UTC's. */
export function chinaDay(epochMs: number): string {
  // Intl formatting is slow for a per-request call; China has had no DST since 1991, so a day is
  // exactly 24 h and the last answer holds until the next midnight.
  if (epochMs >= lastDay.start && epochMs < lastDay.end) return lastDay.day;
  const day = dayFormat.format(epochMs).replaceAll('-', '');
  const start =
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - 8 * 3600_000;
  lastDay = { start, end: start + 24 * 3600_000, day };
  return day;
}

/**
 * Human-readable case numbers `YYYYMMDD` + 6-digit daily sequence (e.g. 20261127000042), unique
 * across instances. Each instance reserves a block of numbers per day in the database and hands
 * them out from memory, so the hot path takes no shared lock. Numbers of a block unused when the
 * process stops are skipped: the sequence has gaps and is ordered per instance, not globally.
 */
export class CaseNumbers {
  private readonly db: Kysely<BlockTable>;
  private block: { day: string; next: number; end: number } | undefined;
  private refill: Promise<void> | undefined;

  constructor(
    db: Db,
    private readonly blockSize = 50,
  ) {
    this.db = db as Kysely<BlockTable>;
  }

  async next(now: number): Promise<string> {
    const day = chinaDay(now);
    for (;;) {
      const b = this.block;
      if (b && b.day === day && b.next < b.end) return `${day}${String(b.next++).padStart(6, '0')}`;
      this.refill ??= this.reserve(day).finally(() => {
        this.refill = undefined;
      });
      await this.refill;
    }
  }

  private async reserve(day: string): Promise<void> {
    const size = this.blockSize;
    const start = await inTransaction(this.db, async (tx) => {
      const updated = await tx
        .updateTable('case_number_blocks')
        .set((eb) => ({ next_value: eb('next_value', '+', size) }))
        .where('day', '=', day)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        try {
          await tx
            .insertInto('case_number_blocks')
            .values({ day, next_value: 1 + size })
            .execute();
          return 1;
        } catch (error) {
          // Another instance created the day's row first: our transaction is spoiled, start over.
          if (isUniqueViolation(error)) return null;
          throw error;
        }
      }
      const row = await tx
        .selectFrom('case_number_blocks')
        .select('next_value')
        .where('day', '=', day)
        .executeTakeFirstOrThrow();
      return Number(row.next_value) - size;
    });
    if (start === null) return this.reserve(day);
    this.block = { day, next: start, end: start + size };
  }
}
