import { DeptApiError, type DeptFeedClient, type DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { Db } from '../platform/db/database';
import { lifeEventsOfChange } from './change-events';
import { loadConsents } from './consent';
import { type LifeEvent, recordLifeEvents } from './life-events';
import { mergeProfiles, type ProfileDeps } from './merge';
import type { PulledRecords } from './observations';

/** The sources with a change feed (人社 has none: refresh it with {@link mergeProfiles} monthly). */
export const FEED_SOURCES = ['hukou', 'marriage', 'health', 'education', 'property'] as const;

/** What one {@link syncChanges} run did. */
export interface SyncReport {
  /** Changes read per source. */
  changes: Partial<Record<DeptSourceKey, number>>;
  /** Persons re-merged (counted once per page they appeared in). */
  merged: number;
  /** Life events recorded for the first time. */
  events: LifeEvent[];
}

async function readCursor(db: Db, source: string): Promise<string> {
  const row = await db
    .selectFrom('profile_sync_cursors')
    .select('cursor')
    .where('source', '=', source)
    .executeTakeFirst();
  return row?.cursor ?? '';
}

async function writeCursor(db: Db, source: string, cursor: string, now: number): Promise<void> {
  const { numUpdatedRows } = await db
    .updateTable('profile_sync_cursors')
    .set({ cursor, updated_at: now })
    .where('source', '=', source)
    .executeTakeFirst();
  if (numUpdatedRows === 0n) {
    const exists = await db
      .selectFrom('profile_sync_cursors')
      .select('source')
      .where('source', '=', source)
      .executeTakeFirst();
    if (!exists)
      await db.insertInto('profile_sync_cursors').values({ source, cursor, updated_at: now }).execute();
  }
}

/** Forgets a source's cursor: the next sync reads its feed from the start (replays are harmless). */
export async function resetCursor(db: Db, source: DeptSourceKey): Promise<void> {
  await db.deleteFrom('profile_sync_cursors').where('source', '=', source).execute();
}

/**
 * Consumes each feed from its stored cursor, page by page: re-merges the persons a page names, records
 * the life events its changes mean (once each, by dedupe key), then stores the page's `nextCursor`.
 * A crash between the two repeats at most one page, which changes nothing. A cursor the source rejects
 * (40005) restarts that feed from the beginning. Events from a source the person revoked for
 * `proactive` are not recorded.
 */
export async function syncChanges(
  deps: ProfileDeps,
  options: { sources?: readonly (typeof FEED_SOURCES)[number][]; pageSize?: number } = {},
): Promise<SyncReport> {
  const report: SyncReport = { changes: {}, merged: 0, events: [] };
  for (const source of options.sources ?? FEED_SOURCES) {
    const client = deps.sources[source] as DeptFeedClient<DeptSourceKey>;
    let cursor = await readCursor(deps.db, source);
    for (;;) {
      let page: Awaited<ReturnType<typeof client.changes>>;
      try {
        page = await client.changes({ cursor, limit: options.pageSize ?? 100 });
      } catch (error) {
        if (error instanceof DeptApiError && error.errcode === 40005 && cursor !== '') {
          cursor = '';
          continue;
        }
        throw error;
      }
      const ids = [...new Set(page.changes.flatMap((c) => c.idNumbers))];
      const merged = ids.length > 0 ? await mergeProfiles(deps, ids) : new Map();
      report.merged += merged.size;
      const records = new Map<string, PulledRecords>([...merged].map(([id, m]) => [id, m.records]));
      const events = page.changes.flatMap((c) =>
        lifeEventsOfChange(source, c, { records, index: (id) => deps.idIndex.of(id) }),
      );
      const now = (deps.now ?? Date.now)();
      report.events.push(...(await recordLifeEvents(deps.db, await allowed(deps.db, events), now)));
      report.changes[source] = (report.changes[source] ?? 0) + page.changes.length;
      await writeCursor(deps.db, source, page.nextCursor, now);
      if (page.nextCursor === cursor || !page.hasMore) break;
      cursor = page.nextCursor;
    }
  }
  return report;
}

async function allowed(db: Db, events: LifeEvent[]): Promise<LifeEvent[]> {
  const consents = await loadConsents(db, [...new Set(events.map((e) => e.idIndex))]);
  return events.filter(
    (e) => e.source === 'cases' || (consents.get(e.idIndex)?.canUse(e.source, 'proactive') ?? true),
  );
}
