import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';
import { phoneMigrations } from './phone.migrations';

export const identityMigrations: Migrations = {
  '2026112701_identity_citizens': {
    async up(db) {
      await db.schema
        .createTable('citizens')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('app_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('openid', 'varchar(128)', (c) => c.notNull())
        .addColumn('unionid', 'varchar(128)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_login_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('citizens_app_openid', ['app_id', 'openid'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('citizens_unionid').on('citizens').column('unionid').execute();
    },
  },
  '2026112702_identity_refresh_tokens': {
    async up(db) {
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('family_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('token_hash', 'char(64)', (c) => c.notNull().unique())
        .addColumn('parent_id', 'varchar(36)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
    },
  },
  // Phone binding (phone.migrations.ts): bound numbers, SMS codes, citizens.last_channel.
  ...phoneMigrations,
};
