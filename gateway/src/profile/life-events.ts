import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import { sm3 } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';

/** Kinds of life event on the timeline. */
export type LifeEventKind =
  | 'birth'
  | 'child_birth'
  | 'school_entry'
  | 'graduation'
  | 'employment'
  | 'marriage'
  | 'divorce'
  | 'home_purchase'
  | 'death_in_family'
  | 'retirement_approaching'
  | 'business_start';

/** zh-CN names of {@link LifeEventKind}. */
export const LIFE_EVENT_LABELS: Readonly<Record<LifeEventKind, string>> = {
  birth: '出生',
  child_birth: '新生儿出生',
  school_entry: '入学',
  graduation: '毕业',
  employment: '就业',
  marriage: '结婚登记',
  divorce: '离婚登记',
  home_purchase: '购房',
  death_in_family: '家庭成员去世',
  retirement_approaching: '即将达到法定退休年龄',
  business_start: '创办企业',
};

/**
 * Where an event was learnt: a department source, or `cases` — the citizen's own cases on this platform
 * (企业开办一件事 completed: a business start, which no department source here reports).
 */
export type LifeEventSource = DeptSourceKey | 'cases';

/** One event of a citizen's timeline. `details` never holds an ID number. */
export interface LifeEvent {
  idIndex: string;
  kind: LifeEventKind;
  /** `YYYY-MM-DD` */
  at: string;
  source: LifeEventSource;
  details: Record<string, string | number | boolean | null>;
  /**
   * What makes the event the same event however often (and from whichever source) it is reported,
   * e.g. the blind index of the baby for a birth; hashed with SM3 together with kind and person.
   */
  subject: string;
}

/** The stored dedupe key of an event. */
export const lifeEventKey = (e: Pick<LifeEvent, 'kind' | 'idIndex' | 'subject'>): string =>
  sm3(`${e.kind}|${e.idIndex}|${e.subject}`).toString('hex');

/** Records events once each (by {@link lifeEventKey}); returns those that were new. */
export async function recordLifeEvents(
  db: Db,
  events: readonly LifeEvent[],
  now: number,
): Promise<LifeEvent[]> {
  const unique = new Map(events.map((e) => [lifeEventKey(e), e]));
  if (unique.size === 0) return [];
  const known = await db
    .selectFrom('life_events')
    .select('dedupe_key')
    .where('dedupe_key', 'in', [...unique.keys()])
    .execute();
  for (const k of known) unique.delete(k.dedupe_key);
  const added: LifeEvent[] = [];
  for (const [key, e] of unique) {
    try {
      await db
        .insertInto('life_events')
        .values({
          dedupe_key: key,
          id_index: e.idIndex,
          kind: e.kind,
          at: e.at,
          source: e.source,
          details: JSON.stringify(e.details),
          recorded_at: now,
        })
        .execute();
      added.push(e);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // a concurrent sync recorded it first
    }
  }
  return added;
}

/** A person's timeline, oldest first. */
export async function lifeEventsOf(db: Db, idIndex: string): Promise<Omit<LifeEvent, 'subject'>[]> {
  const rows = await db
    .selectFrom('life_events')
    .selectAll()
    .where('id_index', '=', idIndex)
    .orderBy('at')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    idIndex: r.id_index,
    kind: r.kind,
    at: r.at,
    source: r.source,
    details: JSON.parse(r.details),
  }));
}
