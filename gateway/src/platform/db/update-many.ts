import { type RawBuilder, sql } from 'kysely';
import type { Db } from './database';
import type { Tx } from './transaction';

/** One row of {@link updateMany}: its key and the new values, in the order of the columns. */
export interface KeyedValues {
  key: string;
  values: readonly unknown[];
}

/**
 * Updates many rows, each with its own values, in ONE statement (`SET c = CASE key WHEN … THEN …
 * END … WHERE key IN (…)`), on MySQL and SQLite alike. For writers that batch the changes of many
 * commands: a round trip costs more here than the database work of a row.
 *
 * `guard.column`/`values` (optional) add a per-row condition: a row is only updated where
 * `column = value`, used for optimistic concurrency (`row_version`); `guard.extra` is one more SET
 * clause for every row (`row_version = row_version + 1`). Returns the number of rows changed.
 */
export async function updateMany(
  executor: Db | Tx,
  table: string,
  key: string,
  columns: readonly string[],
  rows: readonly KeyedValues[],
  guard?: { column?: string; values?: readonly unknown[]; extra?: RawBuilder<unknown> },
): Promise<number> {
  const query = updateManyQuery(table, key, columns, rows, guard);
  if (!query) return 0;
  const result = await query.execute(executor);
  return Number(result.numAffectedRows ?? 0n);
}

/** The statement of {@link updateMany}, unexecuted (for a SqlBatch); undefined when there are no rows. */
export function updateManyQuery(
  table: string,
  key: string,
  columns: readonly string[],
  rows: readonly KeyedValues[],
  guard?: { column?: string; values?: readonly unknown[]; extra?: RawBuilder<unknown> },
): RawBuilder<unknown> | undefined {
  if (rows.length === 0) return undefined;
  const ref = sql.ref(key);
  const sets = columns.map(
    (column, c) =>
      sql`${sql.ref(column)} = CASE ${ref} ${sql.join(
        rows.map((r) => sql`WHEN ${r.key} THEN ${r.values[c]}`),
        sql` `,
      )} END`,
  );
  if (guard?.extra) sets.push(guard.extra);
  const column = guard?.column;
  const where =
    column && guard.values
      ? sql.join(
          rows.map((r, i) => sql`(${ref} = ${r.key} AND ${sql.ref(column)} = ${guard.values![i]})`),
          sql` OR `,
        )
      : sql`${ref} IN (${sql.join(rows.map((r) => r.key))})`;
  return sql`UPDATE ${sql.table(table)} SET ${sql.join(sets)} WHERE ${where}`;
}
