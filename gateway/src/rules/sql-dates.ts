import { type DayKey, parseDateValue, shanghaiDay } from '../platform/conditions/dates';

/** A day key as `YYYY-MM-DD`, the form dates are stored and bound in. */
export function dayString(day: DayKey): string {
  const y = Math.floor(day / 10000);
  const m = Math.floor(day / 100) % 100;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day % 100).padStart(2, '0')}`;
}

/** A date operand's Shanghai day, as the in-process date operators read it; undefined when not a date. */
export function operandDay(value: unknown, now: Date): DayKey | undefined {
  return value === 'today' ? shanghaiDay(now.getTime()) : parseDateValue(value)?.day;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * The latest birth day of someone at least `years` old on `today` (ageOn's rule: a 29 February birthday
 * turns on 1 March in common years), or undefined when no valid year is left. `years` is whole.
 */
export function latestBirthForAge(today: DayKey, years: number): DayKey | undefined {
  const y = Math.floor(today / 10000) - years;
  if (y < 1) return undefined;
  const md = today % 10000;
  // 29 February of a common year is not a day; the last day before it is 28 February.
  return md === 229 && !isLeap(y) ? y * 10000 + 228 : y * 10000 + md;
}
