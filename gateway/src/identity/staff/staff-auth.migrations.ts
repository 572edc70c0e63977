import type { Migrations } from '../../platform/db/migrate';
import { tableEnd } from '../../platform/db/migrate';

/** Staff sign-in: admin-console credentials (password + TOTP) and sessions of every staff sign-in. */
export const staffAuthMigrations: Migrations = {
  '2026112712_staff_auth': {
    async up(db) {
      await db.schema
        .createTable('staff_credentials')
        .addColumn('staff_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('totp_secret', 'varchar(128)', (c) => c.notNull())
        // The last TOTP time step accepted: a code is good once (RFC 6238 §5.2).
        .addColumn('totp_last_step', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createTable('staff_sessions')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('method', 'varchar(16)', (c) => c.notNull())
        .addColumn('ip', 'varchar(64)')
        .addColumn('user_agent', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('staff_sessions_staff')
        .on('staff_sessions')
        .columns(['staff_id', 'created_at'])
        .execute();
    },
  },
};
