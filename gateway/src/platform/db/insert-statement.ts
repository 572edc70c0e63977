import { CompiledQuery } from 'kysely';
import type { Db } from './database';
import type { Tx } from './transaction';

/**
 * An INSERT of fixed columns, compiled once by the dialect and then run with new values. For rows
 * written on every request: building and freezing a Kysely query tree each time cost more CPU than
 * the SQLite insert itself.
 *
 * @example
 * const insertEvent = insertStatement<CaseEventRow>(db, 'case_events', ['id', 'case_id', …]);
 * await insertEvent(tx, row);
 */
export function insertStatement<Row>(db: Db, table: string, columns: readonly (keyof Row & string)[]) {
  const { sql } = db
    .insertInto(table)
    .values(Object.fromEntries(columns.map((c) => [c, null])))
    .compile();
  return async (executor: Db | Tx, row: Row): Promise<void> => {
    await executor.executeQuery(
      CompiledQuery.raw(
        sql,
        columns.map((c) => row[c]),
      ),
    );
  };
}
