// Calendar arithmetic for the date and age operators, in Asia/Shanghai.
// China has used UTC+8 without daylight saving since 1991, so a fixed offset is exact for every date-time
// a case can carry (the 1986–1991 summer time only matters for date-times, and births are dates).
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A calendar day as yyyymmdd, so that days compare as numbers whatever the year. */
export type DayKey = number;

/** A parsed date operand: its calendar day in Shanghai, and its instant when it had a time of day. */
export interface DateValue {
  day: DayKey;
  instant?: number;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function isDay(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function utcMs(y: number, m: number, d: number, h: number, mi: number, s: number, ms: number): number {
  // Date.UTC maps years 0–99 onto 1900–1999; setUTCFullYear does not.
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

// Rules ask for "today" once per age or date test, with the same `now` for a whole evaluation (and a whole
// batch): remembering the last answer keeps a Date allocation off that hot path.
let lastInstant = Number.NaN;
let lastDay: DayKey = 0;

/** The Shanghai calendar day of an instant. */
export function shanghaiDay(instant: number): DayKey {
  if (instant === lastInstant) return lastDay;
  const t = new Date(instant + SHANGHAI_OFFSET_MS);
  const day = t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
  lastInstant = instant;
  lastDay = day;
  return day;
}

/** The value of `length` ASCII digits of `s` from `start`, or -1 when one of them is not a digit. */
function digitsAt(s: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `YYYY-MM-DD` read without a regular expression (the common case of date facts), or undefined. */
function plainDay(value: string): DayKey | undefined {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined;
  const y = digitsAt(value, 0, 4);
  const m = digitsAt(value, 5, 2);
  const d = digitsAt(value, 8, 2);
  if (y < 0 || m < 0 || d < 0 || !isDay(y, m, d)) return undefined;
  return y * 10000 + m * 100 + d;
}

/**
 * `YYYY-MM-DD`, an ISO date-time (`T` or a space; without an offset it is Shanghai local time) or a valid
 * `Date`; anything else is undefined.
 */
export function parseDateValue(value: unknown): DateValue | undefined {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? undefined : { day: shanghaiDay(t), instant: t };
  }
  if (typeof value !== 'string') return undefined;
  if (value.length === 10) {
    const day = plainDay(value);
    return day === undefined ? undefined : { day };
  }
  const m = DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isDay(y, mo, d)) return undefined;
  if (m[4] === undefined) return { day: y * 10000 + mo * 100 + d };
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let offsetMin = 8 * 60;
  const zone = m[8];
  if (zone === 'Z') offsetMin = 0;
  else if (zone !== undefined) {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(-2));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const instant = utcMs(y, mo, d, h, mi, s, ms) - offsetMin * 60_000;
  return { day: shanghaiDay(instant), instant };
}

/** The Shanghai calendar day of a date operand: `parseDateValue(value)?.day`, without an object for `YYYY-MM-DD`. */
export function dayOf(value: unknown): DayKey | undefined {
  return typeof value === 'string' && value.length === 10 ? plainDay(value) : parseDateValue(value)?.day;
}

/** Instants when both sides have a time of day; otherwise Shanghai calendar days. Negative when a < b. */
export function compareDates(a: DateValue, b: DateValue): number {
  if (a.instant !== undefined && b.instant !== undefined) return a.instant - b.instant;
  return a.day - b.day;
}

/** A birth date from `YYYY-MM-DD` or from characters 7–14 of an 18-character resident ID number. */
export function birthDay(value: unknown): DayKey | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === 10) return plainDay(value);
  if (value.length !== 18 || digitsAt(value, 0, 17) < 0) return undefined;
  const last = value.charCodeAt(17);
  if (!((last >= 48 && last <= 57) || last === 88 || last === 120)) return undefined;
  const y = digitsAt(value, 6, 4);
  const m = digitsAt(value, 10, 2);
  const d = digitsAt(value, 12, 2);
  return isDay(y, m, d) ? y * 10000 + m * 100 + d : undefined;
}

/**
 * Whole years from `birth` to `today`. The year turns on the birthday; someone born on 29 February turns a
 * year older on 1 March in common years. Undefined when born after `today`.
 */
export function ageOn(birth: DayKey, today: DayKey): number | undefined {
  if (birth > today) return undefined;
  const years = Math.floor(today / 10000) - Math.floor(birth / 10000);
  return today % 10000 < birth % 10000 ? years - 1 : years;
}
