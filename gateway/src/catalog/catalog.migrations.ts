import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

export const catalogMigrations: Migrations = {
  '2026112704_catalog': {
    async up(db) {
      await db.schema
        .createTable('catalog_forms')
        .addColumn('form_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', longText, (c) => c.notNull())
        .addColumn('checksum', 'char(64)', (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addColumn('published_by', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('catalog_forms_pk', ['form_id', 'version'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createTable('catalog_services')
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', longText, (c) => c.notNull())
        .addColumn('checksum', 'char(64)', (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addColumn('published_by', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('catalog_services_pk', ['code', 'version'])
        .modifyEnd(tableEnd(db))
        .execute();
      // The version of each service citizens see now; a publish moves it, running cases keep theirs.
      await db.schema
        .createTable('catalog_current')
        .addColumn('code', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};
