import type { Database as SqliteHandle, Statement } from 'better-sqlite3';
import type { Pool, PoolConnection } from 'mysql2';

/**
 * Kysely's SQLite driver prepares every statement on every query; preparing costs more than running
 * one of our inserts. The same SQL text is reused from a bounded cache instead (a statement still
 * being iterated is busy and gets a fresh one).
 */
export function cachingSqlite(db: SqliteHandle, max = 500) {
  const statements = new Map<string, Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string): Statement {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = db.prepare(sql);
      if (!cached) {
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

type QueryCallback = (err: unknown, result: unknown) => void;

// Batch statements (multi-row inserts, CASE updates) have a different text for every batch size: as
// prepared statements each new text would cost a PREPARE round trip and a slot in the server's
// statement cache, so statements with many parameters go as text.
const PREPARE_MAX_PARAMS = 40;

/**
 * Kysely's MySQL driver sends every query as text, escaping parameters on the client. Queries with
 * parameters go as server-side prepared statements instead (mysql2 caches them per connection):
 * less CPU per query and no client-side escaping. Parameterless commands (BEGIN, COMMIT) stay text,
 * as some of them cannot be prepared, and so do batch statements with many parameters.
 */
export function preparingPool(pool: Pool) {
  const wrap = (conn: PoolConnection) =>
    new Proxy(conn, {
      get(target, prop, receiver) {
        if (prop === 'query') {
          return (sql: string, params: unknown[], callback?: QueryCallback) => {
            if (callback && Array.isArray(params) && params.length > 0 && params.length <= PREPARE_MAX_PARAMS)
              return target.execute(sql, params as never, callback as never);
            return callback
              ? target.query(sql, params as never, callback as never)
              : target.query(sql, params as never);
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    getConnection(callback: (err: NodeJS.ErrnoException | null, conn: PoolConnection) => void) {
      pool.getConnection((err, conn) => callback(err, err ? conn : wrap(conn)));
    },
    end(callback: (err: NodeJS.ErrnoException | null) => void) {
      pool.end(callback);
    },
  };
}
