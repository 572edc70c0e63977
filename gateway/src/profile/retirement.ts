import type { Db } from '../platform/db/database';
import { PROFILE_TABLE } from '../rules/profile-table';
import { type LifeEvent, recordLifeEvents } from './life-events';

/** How far ahead the reminder comes (退休一件事: 3 months before the legal retirement age). */
export const RETIREMENT_NOTICE_MONTHS = 3;

/** Someone whose legal retirement age falls within the notice window. */
export interface RetirementDue {
  idIndex: string;
  retirementAge: number;
  /** The day the person reaches `retirementAge`, `YYYY-MM-DD`. */
  retirementDate: string;
}

/**
 * The legal retirement age used: 人社's `retirementAge` for the person when the profile holds it
 * (60 / 55 / 50), else by gender: 男 60, 女 55 (the 女干部 age; 女工人 retire at 50, which only 人社
 * knows). The gradual raise decided in 2024 is not applied: 人社's figure is expected to carry it.
 */
export function retirementAgeOf(gender: string | null, fromSocialInsurance: number | null): number {
  return fromSocialInsurance ?? (gender === '女' ? 55 : 60);
}

/** `YYYY-MM-DD` plus whole months (day clamped to the month's end, so 02-29 + 12 → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * Scans `citizen_profile` for living persons who reach their retirement age (see
 * {@link retirementAgeOf}) after `today` and at most {@link RETIREMENT_NOTICE_MONTHS} months later, and
 * records a `retirement_approaching` life event for each (once per person and age).
 */
export async function retirementApproaching(
  db: Db,
  today: string,
  now = Date.now(),
): Promise<RetirementDue[]> {
  const horizon = addMonths(today, RETIREMENT_NOTICE_MONTHS);
  const window = (age: number) => ({ from: addMonths(today, -12 * age), to: addMonths(horizon, -12 * age) });
  const rows = await db
    .selectFrom(PROFILE_TABLE)
    .select(['id_index', 'birth_date', 'gender'])
    .where('death_date', 'is', null)
    .where((eb) =>
      eb.or(
        [50, 55, 60].map((age) =>
          eb.and([eb('birth_date', '>', window(age).from), eb('birth_date', '<=', window(age).to)]),
        ),
      ),
    )
    .execute();
  if (rows.length === 0) return [];
  const ages = await db
    .selectFrom('profile_values')
    .select(['id_index', 'value'])
    .where('fact', '=', 'profile.retirementAge')
    .where('status', '=', 'chosen')
    .where('superseded', '=', 0)
    .where(
      'id_index',
      'in',
      rows.map((r) => r.id_index),
    )
    .execute();
  const known = new Map(ages.map((a) => [a.id_index as string, Number(JSON.parse(a.value))]));
  const due: RetirementDue[] = [];
  for (const r of rows) {
    const birth = String(r.birth_date).slice(0, 10);
    const age = retirementAgeOf(r.gender ?? null, known.get(r.id_index) ?? null);
    const retirementDate = addMonths(birth, 12 * age);
    if (retirementDate > today && retirementDate <= horizon)
      due.push({ idIndex: r.id_index, retirementAge: age, retirementDate });
  }
  const events: LifeEvent[] = due.map((d) => ({
    idIndex: d.idIndex,
    kind: 'retirement_approaching',
    at: d.retirementDate,
    source: known.has(d.idIndex) ? 'social-insurance' : 'hukou',
    subject: String(d.retirementAge),
    details: { retirementAge: d.retirementAge, noticeMonths: RETIREMENT_NOTICE_MONTHS },
  }));
  await recordLifeEvents(db, events, now);
  return due;
}
