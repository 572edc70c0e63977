import type { Db } from '../platform/db/database';
import { type LifeEvent, recordLifeEvents } from './life-events';

/** The 一件事 bundles whose completion means the applicant started a business. */
export const BUSINESS_START_SERVICES = ['bundle.business-start', 'bundle.restaurant-start'] as const;

const CURSOR = 'cases.business-start';

/**
 * 创办企业 life events from this platform's own cases: every 企业开办 bundle completed since the last run
 * (its `case_events` row to `completed`), for applicants bound to a person (实名认证), recorded once each
 * (the case id is the subject). No department source here reports business starts (市场监管 is not
 * connected), so the platform's own outcome is the source. Returns the events recorded for the first time.
 */
export async function businessStartEvents(db: Db, now: number): Promise<LifeEvent[]> {
  const cursor = await db
    .selectFrom('profile_sync_cursors')
    .select('cursor')
    .where('source', '=', CURSOR)
    .executeTakeFirst();
  const since = Number(cursor?.cursor ?? 0);
  const rows = await db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .innerJoin('citizen_real_names as r', 'r.citizen_id', 'c.citizen_id')
    .select(['c.id as case_id', 'c.service_code', 'r.id_index', 'e.created_at'])
    .where('e.to_status', '=', 'completed')
    .where('c.service_code', 'in', [...BUSINESS_START_SERVICES])
    .where('e.created_at', '>', since)
    .orderBy('e.created_at')
    .limit(1000)
    .execute();
  if (rows.length === 0) return [];
  const events: LifeEvent[] = rows.map((r) => ({
    idIndex: r.id_index,
    kind: 'business_start',
    at: new Date(Number(r.created_at) + 8 * 3_600_000).toISOString().slice(0, 10),
    source: 'cases',
    subject: r.case_id,
    details: { serviceCode: r.service_code },
  }));
  const recorded = await recordLifeEvents(db, events, now);
  const last = String(rows.at(-1)!.created_at);
  const updated = await db
    .updateTable('profile_sync_cursors')
    .set({ cursor: last, updated_at: now })
    .where('source', '=', CURSOR)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0 && !cursor)
    await db
      .insertInto('profile_sync_cursors')
      .values({ source: CURSOR, cursor: last, updated_at: now })
      .execute();
  return recorded;
}
