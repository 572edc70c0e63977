import { loadCalendars } from '@gcrm/config/calendars';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaDayOf, chinaDayStart, DAY_MS, formatDay } from './china-day';
import { WorkingCalendar } from './working-calendar';

const data = loadCalendars();
const calendar = WorkingCalendar.fromConfig({
  ...data,
  calendars: [
    ...data.calendars,
    // Made-up regional days (a fixture, not a real notice), so that regions take part too.
    {
      region: '450000',
      year: 2026,
      source: 'fixture',
      holidays: [{ date: '2026-04-20', name: '地区假日' }],
      workdays: [{ date: '2026-04-25', name: '地区调休上班' }],
    },
  ],
});

const HOUR_MS = 3_600_000;
const CLOSE_MS = 17.5 * HOUR_MS;
// Mid-2024 to mid-2028: the years with data and the fallback years on both sides of them.
const instant = fc.integer({
  min: Date.parse('2024-06-01T00:00:00+08:00'),
  max: Date.parse('2028-06-30T00:00:00+08:00'),
});
const region = fc.constantFrom(undefined, '450000', '450102', '110105');
const isWorking = (t: number, r?: string) => calendar.isWorkingDay(formatDay(chinaDayOf(t)), r);

/** The naive model: step one day at a time. */
function naiveAddWorkingDays(from: number, days: number, r?: string): number {
  let day = chinaDayOf(from);
  if (days === 0 && calendar.isWorkingDay(formatDay(day), r)) return chinaDayStart(day) + CLOSE_MS;
  for (let left = Math.max(days, 1); left > 0; ) {
    day++;
    if (calendar.isWorkingDay(formatDay(day), r)) left--;
  }
  return chinaDayStart(day) + CLOSE_MS;
}

describe('WorkingCalendar properties', () => {
  it('addWorkingDays agrees with stepping one day at a time', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 300 }), region, (from, days, r) => {
        expect(calendar.addWorkingDays(from, days, r)).toBe(naiveAddWorkingDays(from, days, r));
      }),
    );
  });

  it('addWorkingDays ends at 17:30 China time on a working day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 1000 }), region, (from, days, r) => {
        const due = calendar.addWorkingDays(from, days, r);
        expect(isWorking(due, r)).toBe(true);
        expect(due - chinaDayStart(chinaDayOf(due))).toBe(CLOSE_MS);
      }),
    );
  });

  it('addWorkingDays is monotonic in days and in from', () => {
    fc.assert(
      fc.property(instant, instant, fc.nat(400), fc.nat(400), region, (a, b, m, n, r) => {
        const [lo, hi] = m <= n ? [m, n] : [n, m];
        expect(calendar.addWorkingDays(a, lo, r)).toBeLessThanOrEqual(calendar.addWorkingDays(a, hi, r));
        if (lo >= 1 && lo < hi) {
          expect(calendar.addWorkingDays(a, lo, r)).toBeLessThan(calendar.addWorkingDays(a, hi, r));
        }
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(calendar.addWorkingDays(early, m, r)).toBeLessThanOrEqual(calendar.addWorkingDays(late, m, r));
      }),
    );
  });

  it('workingDaysBetween counts back what addWorkingDays added, and is antisymmetric', () => {
    fc.assert(
      fc.property(instant, fc.nat(500), region, (from, n, r) => {
        const due = calendar.addWorkingDays(from, n, r);
        const expected = n > 0 ? n : isWorking(from, r) ? 0 : 1;
        expect(calendar.workingDaysBetween(from, due, r)).toBe(expected);
        expect(calendar.workingDaysBetween(due, from, r)).toBe(0 - expected);
      }),
    );
  });

  it('addWorkingHours composes: (from + a) + b === from + (a + b)', () => {
    fc.assert(
      fc.property(instant, fc.nat(300), fc.nat(300), region, (from, a, b, r) => {
        const stepwise = calendar.addWorkingHours(calendar.addWorkingHours(from, a, r), b, r);
        expect(stepwise).toBe(calendar.addWorkingHours(from, a + b, r));
      }),
    );
  });

  it('addWorkingHours ends inside office hours of a working day and is monotonic', () => {
    fc.assert(
      fc.property(instant, fc.double({ min: 0.001, max: 500, noNaN: true }), region, (from, hours, r) => {
        const end = calendar.addWorkingHours(from, hours, r);
        const at = end - chinaDayStart(chinaDayOf(end));
        expect(isWorking(end, r)).toBe(true);
        expect((at > 9 * HOUR_MS && at <= 12 * HOUR_MS) || (at > 13.5 * HOUR_MS && at <= CLOSE_MS)).toBe(
          true,
        );
        expect(end).toBeGreaterThan(from);
        expect(calendar.addWorkingHours(from, hours + 1, r)).toBeGreaterThan(end);
      }),
    );
  });

  it('workingHoursBetween is the inverse of addWorkingHours', () => {
    fc.assert(
      fc.property(instant, fc.double({ min: 0, max: 500, noNaN: true }), region, (from, hours, r) => {
        const end = calendar.addWorkingHours(from, hours, r);
        expect(calendar.workingHoursBetween(from, end, r)).toBeCloseTo(
          Math.round(hours * HOUR_MS) / HOUR_MS,
          9,
        );
      }),
    );
  });

  it('workingHoursBetween adds up over a split and is antisymmetric', () => {
    fc.assert(
      fc.property(instant, instant, instant, region, (x, y, z, r) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const whole = calendar.workingHoursBetween(a, c, r);
        expect(calendar.workingHoursBetween(a, b, r) + calendar.workingHoursBetween(b, c, r)).toBeCloseTo(
          whole,
          6,
        );
        expect(calendar.workingHoursBetween(c, a, r)).toBe(0 - whole);
        expect(whole).toBeLessThanOrEqual(((c - a) / DAY_MS + 2) * 7);
      }),
    );
  });
});
