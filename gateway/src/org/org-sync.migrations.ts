import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/**
 * One person, several identities: a staff member's DingTalk userid/unionid, WeCom userid and legacy
 * OA account, each linked to one staff id; and which of our departments an outside department is.
 */
export const orgSyncMigrations: Migrations = {
  '2026112711_staff_identities': {
    async up(db) {
      await db.schema
        .createTable('staff_identities')
        .addColumn('provider', 'varchar(16)', (c) => c.notNull())
        .addColumn('external_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('union_id', 'varchar(128)')
        .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('linked_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('staff_identities_pk', ['provider', 'external_id'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('staff_identities_staff')
        .on('staff_identities')
        .columns(['staff_id'])
        .execute();
      await db.schema
        .createTable('org_department_links')
        .addColumn('provider', 'varchar(16)', (c) => c.notNull())
        .addColumn('external_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('org_department_links_pk', ['provider', 'external_id'])
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};
