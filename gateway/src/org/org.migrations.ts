import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/**
 * The org directory: departments, staff and their roles per department. No foreign keys: the seed
 * checks references before it writes, an org sync may deliver a staff member before their department,
 * and the directory treats a dangling reference as unknown.
 *
 * `org_staff` rows are never deleted, only deactivated: task and audit rows keep staff ids, and the
 * "staff SSO" issue adds nullable DingTalk/WeCom user id columns here in a later migration, which the
 * repository never overwrites (it writes only the columns it names).
 */
export const orgMigrations: Migrations = {
  '2026112710_org': {
    async up(db) {
      await db.schema
        .createTable('org_departments')
        .addColumn('code', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(128)', (c) => c.notNull())
        .addColumn('parent_code', 'varchar(64)')
        .addColumn('head_staff_id', 'varchar(64)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();

      // `active` is 1/0 (better-sqlite3 binds no booleans; MySQL BOOLEAN is TINYINT anyway).
      await db.schema
        .createTable('org_staff')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(128)', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();

      await db.schema
        .createTable('org_memberships')
        .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('role', 'varchar(32)', (c) => c.notNull())
        .addPrimaryKeyConstraint('org_memberships_pk', ['staff_id', 'department_code', 'role'])
        .modifyEnd(tableEnd(db))
        .execute();
      // Who holds a role in a department, straight from SQL (worklist scoping, reports).
      await db.schema
        .createIndex('org_memberships_department_role')
        .on('org_memberships')
        .columns(['department_code', 'role'])
        .execute();
    },
  },
};
