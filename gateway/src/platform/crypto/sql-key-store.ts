import type { Kysely } from 'kysely';
import type { Db } from '../db/database';
import type { Migrations } from '../db/migrate';
import { tableEnd } from '../db/migrate';
import type { KeyStore, StoredDataKey } from './key-store';

interface KeyTables {
  crypto_data_keys: { kid: string; wrapped: string; created_at: string };
}

/** The wrapped data keys of field encryption, in the database (only ever wrapped by the master key). */
export const cryptoMigrations: Migrations = {
  '2026112740_crypto_data_keys': {
    async up(db) {
      await db.schema
        .createTable('crypto_data_keys')
        .addColumn('kid', 'varchar(16)', (c) => c.primaryKey())
        .addColumn('wrapped', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};

/** {@link KeyStore} over `crypto_data_keys`: every instance sees the keys any other one created. */
export class SqlKeyStore implements KeyStore {
  private readonly db: Kysely<KeyTables>;

  constructor(db: Db) {
    this.db = db as unknown as Kysely<KeyTables>;
  }

  async loadAll(): Promise<StoredDataKey[]> {
    const rows = await this.db.selectFrom('crypto_data_keys').selectAll().execute();
    return rows.map((r) => ({ kid: r.kid, wrapped: r.wrapped, createdAt: r.created_at }));
  }

  async save(key: StoredDataKey): Promise<void> {
    // The primary key refuses an existing kid, as the contract asks.
    await this.db
      .insertInto('crypto_data_keys')
      .values({ kid: key.kid, wrapped: key.wrapped, created_at: key.createdAt })
      .execute();
  }
}
