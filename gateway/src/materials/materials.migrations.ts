import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/**
 * `materials`: one row per (citizen, bytes, guide material). The bytes live in the blob store under
 * `sha256`, once however many rows refer to them. `material_code` is '' when the upload named no
 * guide material (not NULL: NULLs never collide in a unique key, which would defeat de-duplication).
 */
export const materialsMigrations: Migrations = {
  '2026112710_materials': {
    async up(db) {
      await db.schema
        .createTable('materials')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('sha256', 'char(64)', (c) => c.notNull())
        .addColumn('kind', 'varchar(8)', (c) => c.notNull())
        .addColumn('mime', 'varchar(128)', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('original_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('material_code', 'varchar(64)', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)')
        .addUniqueConstraint('materials_citizen_sha_code', ['citizen_id', 'sha256', 'material_code'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('materials_citizen_created')
        .on('materials')
        .columns(['citizen_id', 'created_at'])
        .execute();
      // Whether any row still refers to a blob (before deleting it).
      await db.schema.createIndex('materials_sha256').on('materials').column('sha256').execute();
    },
  },
};
