import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

export const rightsMigrations: Migrations = {
  '2026112760_rights_requests': {
    async up(db) {
      // Requests of PIPL Art. 45–47 (export, correction, deletion), followed by the citizen.
      await db.schema
        .createTable('rights_requests')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)')
        .addColumn('request_json', longText, (c) => c.notNull())
        .addColumn('result_json', longText)
        .addColumn('decided_by', 'varchar(64)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('rights_requests_citizen')
        .on('rights_requests')
        .columns(['citizen_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('rights_requests_status')
        .on('rights_requests')
        .columns(['status', 'kind', 'created_at'])
        .execute();
      // After a deletion request, data kept for a legal period is only stored, not used (Art. 47).
      await db.schema
        .createTable('processing_restrictions')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('request_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('restricted_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};
