import { CompiledQuery } from 'kysely';
import mysql from 'mysql2';
import { isMysql } from './database';
import type { Tx } from './transaction';

/**
 * Write statements whose results nobody reads, collected and then sent together: on MySQL as ONE
 * multi-statement text query (parameters escaped by the driver, as for any text query), on SQLite
 * one after the other (in-process, nothing to save). For group-commit writers: a batch of many
 * commands then costs a handful of round trips instead of one per table. An error in any statement
 * fails the flush, and with it the caller's transaction.
 */
export class SqlBatch {
  private readonly queries: CompiledQuery[] = [];

  constructor(private readonly tx: Tx) {}

  /** A compiled query, a Kysely query builder or a `sql` template (compiled here); undefined is ignored. */
  add(query: CompiledQuery | { compile(executor: Tx): CompiledQuery } | undefined): void {
    if (!query) return;
    this.queries.push('compile' in query ? query.compile(this.tx) : query);
  }

  async flush(): Promise<void> {
    const queries = this.queries.splice(0);
    if (queries.length === 0) return;
    if (isMysql(this.tx) && queries.length > 1) {
      const text = queries.map((q) => mysql.format(q.sql, q.parameters as never)).join(';\n');
      await this.tx.executeQuery(CompiledQuery.raw(text, []));
      return;
    }
    for (const q of queries) await this.tx.executeQuery(q);
  }
}
