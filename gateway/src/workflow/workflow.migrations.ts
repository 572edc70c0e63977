import type { Migrations } from '../platform/db/migrate';
import { longText, tableEnd } from '../platform/db/migrate';

export const workflowMigrations: Migrations = {
  '2026112720_workflow': {
    async up(db) {
      // Published flow versions: immutable, like catalog_forms.
      await db.schema
        .createTable('wf_flows')
        .addColumn('flow_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', longText, (c) => c.notNull())
        .addColumn('checksum', 'char(64)', (c) => c.notNull())
        .addColumn('published_at', 'bigint', (c) => c.notNull())
        .addColumn('published_by', 'varchar(64)', (c) => c.notNull())
        .addPrimaryKeyConstraint('wf_flows_pk', ['flow_id', 'version'])
        .modifyEnd(tableEnd(db))
        .execute();

      await db.schema
        .createTable('wf_instances')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull().unique())
        .addColumn('case_number', 'varchar(32)', (c) => c.notNull())
        .addColumn('service_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('citizen_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('flow_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('flow_version', 'integer', (c) => c.notNull())
        .addColumn('department', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('accepted_at', 'bigint')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('due_at', 'bigint')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('row_version', 'integer', (c) => c.notNull())
        // The command that wrote the current row_version: tells the winners of a batched guarded update.
        .addColumn('written_by', 'varchar(36)')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('wf_instances_flow')
        .on('wf_instances')
        .columns(['flow_id', 'flow_version', 'status'])
        .execute();

      // One row per activation of a node (a node runs again after a 退回: a new row, a higher round).
      await db.schema
        .createTable('wf_nodes')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('instance_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('node_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('node_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('due_at', 'bigint')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('wf_nodes_instance').on('wf_nodes').columns(['instance_id']).execute();

      await db.schema
        .createTable('wf_tasks')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('instance_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('node_instance_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('node_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('node_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('case_number', 'varchar(32)', (c) => c.notNull())
        .addColumn('service_code', 'varchar(64)', (c) => c.notNull())
        .addColumn('department', 'varchar(64)', (c) => c.notNull())
        .addColumn('assignee_id', 'varchar(64)')
        .addColumn('candidates', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('outcome', 'varchar(16)')
        .addColumn('origin', 'varchar(16)', (c) => c.notNull())
        .addColumn('parent_task_id', 'varchar(36)')
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('due_at', 'bigint')
        .addColumn('urged_at', 'bigint')
        .addColumn('supervised_at', 'bigint')
        .addColumn('row_version', 'integer', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('wf_tasks_instance').on('wf_tasks').columns(['instance_id']).execute();
      await db.schema
        .createIndex('wf_tasks_assignee')
        .on('wf_tasks')
        .columns(['assignee_id', 'kind', 'status', 'created_at', 'id'])
        .execute();
      await db.schema
        .createIndex('wf_tasks_department')
        .on('wf_tasks')
        .columns(['department', 'status', 'created_at', 'id'])
        .execute();
      // Candidates of unclaimed group tasks (签收), for the 待办 look-up.
      await db.schema
        .createTable('wf_task_candidates')
        .addColumn('staff_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('task_id', 'varchar(36)', (c) => c.notNull())
        .addPrimaryKeyConstraint('wf_task_candidates_pk', ['staff_id', 'task_id'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('wf_task_candidates_task')
        .on('wf_task_candidates')
        .columns(['task_id'])
        .execute();

      // Append-only: who did what, when, with which comment and attachments.
      await db.schema
        .createTable('wf_history')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('instance_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('task_id', 'varchar(36)')
        .addColumn('node_id', 'varchar(64)')
        .addColumn('action', 'varchar(32)', (c) => c.notNull())
        .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('actor_id', 'varchar(64)')
        .addColumn('comment', 'text')
        .addColumn('details', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('wf_history_instance')
        .on('wf_history')
        .columns(['instance_id', 'seq'])
        .execute();

      // Durable timers: fired by whichever instance claims them first (status pending → done).
      await db.schema
        .createTable('wf_timers')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('instance_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('task_id', 'varchar(36)')
        .addColumn('node_instance_id', 'varchar(36)')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('fired_at', 'bigint')
        .addColumn('fired_by', 'varchar(64)')
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('wf_timers_due').on('wf_timers').columns(['status', 'due_at']).execute();
      await db.schema.createIndex('wf_timers_instance').on('wf_timers').columns(['instance_id']).execute();
      // Cancelling a node's timers must lock only its rows (a scan of pending timers deadlocks batches).
      await db.schema.createIndex('wf_timers_node').on('wf_timers').columns(['node_instance_id']).execute();
    },
  },
  '2026112811_workflow_dashboard_indexes': {
    async up(db) {
      // The department dashboard (gateway/src/dashboard): cases in progress by service and deadline,
      // accepted and finished per day — each an index range of one department.
      await db.schema
        .createIndex('wf_instances_dept_open')
        .on('wf_instances')
        .columns(['department', 'status', 'service_code', 'due_at'])
        .execute();
      await db.schema
        .createIndex('wf_instances_dept_accepted')
        .on('wf_instances')
        .columns(['department', 'accepted_at'])
        .execute();
      await db.schema
        .createIndex('wf_instances_dept_ended')
        .on('wf_instances')
        // Covering: 办结 per day and the on-time share read nothing but the index.
        .columns(['department', 'ended_at', 'status', 'accepted_at', 'due_at'])
        .execute();
    },
  },
};
