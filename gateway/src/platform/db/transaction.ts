import type { Transaction } from 'kysely';
import type { Db } from './database';
import { isRetryableTransactionError } from './db-errors';

// biome-ignore lint/suspicious/noExplicitAny: see Db.
export type Tx = Transaction<any>;

/**
 * Runs `work` in one transaction; a deadlock or busy database re-runs it (up to `attempts` times)
 * because InnoDB may pick any of several concurrent inserts of one key as the victim.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
    }
  }
}
