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

/**
 * An UPDATE of fixed columns by fixed key columns, compiled once (see {@link insertStatement}).
 * Returns the number of rows it changed, so that optimistic guards (`row_version = ?`) can be checked.
 *
 * @example
 * const bump = updateStatement(db, 'wf_instances', ['status', 'row_version'], ['id', 'row_version']);
 * const changed = await bump(tx, ['running', 3], ['i-1', 2]);
 */
export function updateStatement(db: Db, table: string, columns: readonly string[], where: readonly string[]) {
  let query = db.updateTable(table).set(Object.fromEntries(columns.map((c) => [c, null])));
  for (const w of where) query = query.where(w, '=', null as never);
  const { sql } = query.compile();
  return async (executor: Db | Tx, values: readonly unknown[], keys: readonly unknown[]): Promise<number> => {
    const result = await executor.executeQuery(CompiledQuery.raw(sql, [...values, ...keys]));
    return Number(result.numAffectedRows ?? 0n);
  };
}
