/**
 * Another gateway instance, for the concurrency test: appends `count` rows to the database named by
 * DATABASE_URL (half grouped, half each in its own transaction) and prints their seqs as JSON.
 *
 * node --import tsx gateway/src/audit/testing/append-worker.ts <count> <label>
 */
import { loadConfig } from '@gcrm/config';
import { createDatabase } from '../../platform/db/database';
import { inTransaction } from '../../platform/db/transaction';
import { AuditLog } from '../audit-log';
import { staffEntry } from './audit-test-db';

const count = Number(process.argv[2] ?? 10);
const label = process.argv[3] ?? 'worker';
const database = createDatabase(loadConfig({ DATABASE_URL: process.env.DATABASE_URL }).database);
const log = new AuditLog(database.db);
try {
  const appended = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const entry = staffEntry(i, { requestId: `${label}-${i}` });
      return i % 2 === 0 ? log.append(entry) : inTransaction(database.db, (tx) => log.append(entry, tx));
    }),
  );
  process.stdout.write(JSON.stringify(appended.map((a) => a.seq)));
} finally {
  await database.close();
}
