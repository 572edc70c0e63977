import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

export const schedulerMigrations: Migrations = {
  '2026112770_job_runs': {
    async up(db) {
      // One row per fire of a job: unique per (job, slot), so one instance runs each fire.
      await db.schema
        .createTable('job_runs')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('job', 'varchar(64)', (c) => c.notNull())
        .addColumn('slot_at', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'varchar(16)', (c) => c.notNull())
        .addColumn('instance', 'varchar(128)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('counts', longText)
        .addColumn('summary', 'varchar(500)')
        .addColumn('checkpoint', 'varchar(500)')
        .addColumn('error', 'varchar(500)')
        .addUniqueConstraint('job_runs_slot', ['job', 'slot_at'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('job_runs_job_started')
        .on('job_runs')
        .columns(['job', 'started_at'])
        .execute();
    },
  },
};
