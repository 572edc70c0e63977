import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/** Offers of proactive service (政策找人) and 免申即享 grants, one per person, policy and trigger. */
export const proactiveMigrations: Migrations = {
  '2026120301_proactive_offers': {
    async up(db) {
      await db.schema
        .createTable('proactive_offers')
        .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
        // The person (blind index of the ID number); the account once the person has one bound.
        .addColumn('id_index', 'varchar(64)', (c) => c.notNull())
        .addColumn('citizen_id', 'varchar(36)')
        .addColumn('policy_code', 'varchar(64)', (c) => c.notNull())
        // What caused it: a life event's dedupe key, or `rematch` (the nightly population re-match).
        .addColumn('trigger_key', 'varchar(80)', (c) => c.notNull())
        .addColumn('event_kind', 'varchar(32)')
        .addColumn('event_at', 'varchar(10)')
        // offered → accepted | declined; automatic: pending (no account yet) → granted → declined | ended
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)')
        .addColumn('message', 'varchar(400)', (c) => c.notNull())
        .addColumn('due_date', 'varchar(10)')
        .addColumn('decline_reason', 'varchar(200)')
        .addColumn('verified_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('proactive_offers_trigger', ['id_index', 'policy_code', 'trigger_key'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('proactive_offers_citizen')
        .on('proactive_offers')
        .columns(['citizen_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('proactive_offers_status')
        .on('proactive_offers')
        .columns(['policy_code', 'status', 'verified_at'])
        .execute();
    },
  },
};
