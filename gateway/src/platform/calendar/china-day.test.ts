import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaDayOf, chinaDayStart, dayFromCivil, formatDay, parseDay, weekdayOf, yearOf } from './china-day';

describe('China-local days', () => {
  it('agree with Date on day, weekday and year, for instants from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), (instant) => {
        const shifted = new Date(instant + 8 * 3_600_000);
        const day = chinaDayOf(instant);
        expect(formatDay(day)).toBe(shifted.toISOString().slice(0, 10));
        expect(weekdayOf(day)).toBe(shifted.getUTCDay());
        expect(yearOf(day)).toBe(shifted.getUTCFullYear());
        expect(parseDay(formatDay(day))).toBe(day);
        expect(chinaDayStart(day)).toBeLessThanOrEqual(instant);
        expect(chinaDayStart(day + 1)).toBeGreaterThan(instant);
      }),
    );
  });

  it('reads only real YYYY-MM-DD dates', () => {
    expect(parseDay('2024-02-29')).toBe(dayFromCivil(2024, 2, 29));
    expect(parseDay('1970-01-01')).toBe(0);
    for (const bad of [
      '2025-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-1-1',
      '',
    ]) {
      expect(parseDay(bad)).toBeUndefined();
    }
  });

  it('starts a day at 00:00 China time', () => {
    expect(chinaDayStart(parseDay('2026-02-14')!)).toBe(Date.parse('2026-02-14T00:00:00+08:00'));
  });
});
