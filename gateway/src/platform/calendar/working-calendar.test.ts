import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CalendarData, loadCalendars } from '@gcrm/config/calendars';
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from './shipped-calendar';
import { WorkingCalendar } from './working-calendar';

/** An instant given in China time: `at('2026-02-13 10:00')`. */
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
/** An instant as China time `YYYY-MM-DD HH:MM`. */
const local = (instant: number) =>
  new Date(instant + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const calendar = shippedCalendar();
const due = (from: string, days: number, region?: string) =>
  local(calendar.addWorkingDays(at(from), days, region));
const plusHours = (from: string, hours: number) => local(calendar.addWorkingHours(at(from), hours));

describe('WorkingCalendar on the shipped calendars', () => {
  it('is memoised', () => {
    expect(shippedCalendar()).toBe(calendar);
  });

  it('knows weekends, holidays and make-up workdays (调休)', () => {
    const days = {
      '2026-02-13': true, // Friday
      '2026-02-14': true, // Saturday, 春节调休上班
      '2026-02-15': false, // Sunday, 春节
      '2026-02-16': false, // Monday, 春节
      '2026-02-23': false, // Monday, last day of 春节
      '2026-02-24': true,
      '2026-02-28': true, // Saturday, 春节调休上班
      '2026-03-01': false, // plain Sunday
      '2026-09-20': true, // Sunday, 国庆节调休上班
      '2026-10-07': false,
      '2026-10-10': true,
      '2025-01-26': true,
      '2025-01-28': false,
      '2025-10-08': false, // 国庆节、中秋节 2025 run to the 8th
      '2025-10-11': true,
      '2025-12-31': true,
    };
    for (const [day, working] of Object.entries(days))
      expect([day, calendar.isWorkingDay(day)]).toEqual([day, working]);
  });

  it('counts N working days after the day of acceptance, ending at 17:30 China time', () => {
    expect(due('2026-02-13 10:00', 1)).toBe('2026-02-14 17:30'); // the make-up Saturday
    expect(due('2026-02-13 10:00', 2)).toBe('2026-02-24 17:30'); // over 春节 2/15–2/23
    expect(due('2026-02-13 23:59', 2)).toBe('2026-02-24 17:30'); // the time of day does not matter
    expect(due('2026-02-26 09:00', 2)).toBe('2026-02-28 17:30');
    expect(due('2026-09-18 09:00', 1)).toBe('2026-09-20 17:30'); // Sunday 调休
    expect(due('2026-09-24 09:00', 1)).toBe('2026-09-28 17:30'); // over 中秋 9/25–9/27
    expect(due('2026-09-30 09:00', 1)).toBe('2026-10-08 17:30'); // over 国庆 10/1–10/7
    expect(due('2026-09-30 09:00', 3)).toBe('2026-10-10 17:30');
    expect(due('2026-09-30 09:00', 4)).toBe('2026-10-12 17:30');
    expect(due('2025-01-24 09:00', 1)).toBe('2025-01-26 17:30');
    expect(due('2025-01-24 09:00', 3)).toBe('2025-02-05 17:30'); // over 春节 1/28–2/4
    expect(due('2025-09-26 09:00', 1)).toBe('2025-09-28 17:30');
    expect(due('2025-09-30 09:00', 1)).toBe('2025-10-09 17:30'); // over 10/1–10/8
    expect(due('2025-09-30 09:00', 3)).toBe('2025-10-11 17:30');
    expect(due('2025-12-31 09:00', 1)).toBe('2026-01-04 17:30'); // over the year end and 元旦
    expect(due('2025-01-02 09:00', 20)).toBe('2025-02-06 17:30');
  });

  it('takes days = 0 as the end of that day, or of the next working day', () => {
    expect(due('2026-02-14 08:00', 0)).toBe('2026-02-14 17:30');
    expect(due('2026-02-14 20:00', 0)).toBe('2026-02-14 17:30');
    expect(due('2026-02-15 10:00', 0)).toBe('2026-02-24 17:30');
  });

  it('uses the China-local day of an instant given in UTC', () => {
    // 2026-02-13T17:00Z is 2026-02-14 01:00 in China: the make-up Saturday itself, so +1 is the 24th.
    expect(local(calendar.addWorkingDays(Date.parse('2026-02-13T17:00:00Z'), 1))).toBe('2026-02-24 17:30');
  });

  it('adds office hours across the lunch break, evenings, weekends and holidays', () => {
    expect(plusHours('2026-03-09 11:00', 2)).toBe('2026-03-09 14:30'); // lunch 12:00–13:30 skipped
    expect(plusHours('2026-03-09 09:00', 3)).toBe('2026-03-09 12:00'); // ends when the morning ends
    expect(plusHours('2026-03-09 09:00', 7)).toBe('2026-03-09 17:30');
    expect(plusHours('2026-03-09 09:00', 7.5)).toBe('2026-03-10 09:30');
    expect(plusHours('2026-03-09 12:15', 1)).toBe('2026-03-09 14:30'); // from lunch: starts at 13:30
    expect(plusHours('2026-03-09 06:00', 0.25)).toBe('2026-03-09 09:15');
    expect(plusHours('2026-03-09 20:00', 0.5)).toBe('2026-03-10 09:30');
    expect(plusHours('2026-03-07 10:00', 1)).toBe('2026-03-09 10:00'); // Saturday
    expect(plusHours('2026-02-13 16:30', 2)).toBe('2026-02-14 10:00'); // into the make-up Saturday
    expect(plusHours('2026-09-30 16:00', 3)).toBe('2026-10-08 10:30'); // over 国庆
    expect(plusHours('2026-09-30 16:00', 1.5 + 7 + 7)).toBe('2026-10-09 17:30');
    expect(plusHours('2026-09-30 16:00', 1.5 + 7 + 7 + 0.5)).toBe('2026-10-10 09:30');
    expect(plusHours('2026-03-09 20:00', 0)).toBe('2026-03-09 20:00');
  });

  it('measures lateness in working days and office hours, negative when early', () => {
    const deadline = calendar.addWorkingDays(at('2026-09-29 10:00'), 1); // 2026-09-30 17:30
    expect(calendar.workingDaysBetween(deadline, at('2026-09-30 19:00'))).toBe(0);
    expect(calendar.workingDaysBetween(deadline, at('2026-10-07 10:00'))).toBe(0); // still 国庆
    expect(calendar.workingDaysBetween(deadline, at('2026-10-09 10:00'))).toBe(2);
    expect(calendar.workingDaysBetween(at('2026-10-09 10:00'), deadline)).toBe(-2);
    // 2026: 104 weekend days, 19 of the 33 holiday days fall on weekdays, 6 make-up workdays.
    expect(calendar.workingDaysBetween(at('2025-12-31 10:00'), at('2026-12-31 10:00'))).toBe(
      365 - 104 - 19 + 6,
    );
    // 2025: 104 weekend days, 18 of the 28 holiday days fall on weekdays, 5 make-up workdays.
    expect(calendar.workingDaysBetween(at('2024-12-31 10:00'), at('2025-12-31 10:00'))).toBe(
      365 - 104 - 18 + 5,
    );
    expect(calendar.workingHoursBetween(at('2026-02-13 11:00'), at('2026-02-14 10:00'))).toBe(6);
    expect(calendar.workingHoursBetween(at('2026-02-14 10:00'), at('2026-02-13 11:00'))).toBe(-6);
    expect(calendar.workingHoursBetween(at('2026-03-09 12:10'), at('2026-03-09 13:20'))).toBe(0);
    expect(calendar.workingHoursBetween(deadline, at('2026-10-08 09:30'))).toBe(0.5);
  });

  it('finds the next working day', () => {
    expect(calendar.nextWorkingDay('2026-09-30')).toBe('2026-10-08');
    expect(calendar.nextWorkingDay('2025-12-31')).toBe('2026-01-04');
    expect(calendar.nextWorkingDay('2026-02-13')).toBe('2026-02-14');
  });

  it('counts years without data Monday to Friday, and says so', () => {
    expect(calendar.covers(2025)).toBe(true);
    expect(calendar.covers(2026)).toBe(true);
    expect(calendar.covers(2027)).toBe(false);
    expect(calendar.isWorkingDay('2030-01-01')).toBe(true); // 元旦 2030 is not known yet
    expect(calendar.isWorkingDay('2030-01-05')).toBe(false);
    expect(due('2030-01-04 10:00', 1)).toBe('2030-01-07 17:30');
    expect(due('2026-12-30 10:00', 3)).toBe('2027-01-04 17:30');
    expect(local(calendar.addWorkingDays(at('2026-01-01 10:00'), 2600))).toMatch(/^2036-/);
  });

  it('refuses arguments that are programming errors', () => {
    expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(RangeError);
    expect(() => calendar.isWorkingDay('2026/02/13')).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(Number.NaN, 1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(at('2026-02-13 10:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(at('2026-02-13 10:00'), 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(at('2026-02-13 10:00'), -1)).toThrow(RangeError);
  });

  it('is fast enough to compute a deadline for every task', () => {
    const start = performance.now();
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const from = at('2025-01-01 00:00') + i * 997_000;
      sum += calendar.addWorkingDays(from, i % 60) + calendar.addWorkingHours(from, i % 100);
    }
    expect(sum).toBeGreaterThan(0);
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

/**
 * Regional overrides, on made-up data: these days are fixtures, not a region's real notice.
 * 450000 (a province) rests 04-20/21 and 02-28 (a national make-up Saturday); 450100 (a city in it)
 * works Saturday 04-25; 450103 (a district in that city) rests it after all.
 */
function withRegions(): CalendarData {
  const shipped = loadCalendars();
  const day = (date: string, name: string) => ({ date, name });
  const file = (region: string, holidays: string[], workdays: string[]) => ({
    region,
    year: 2026,
    source: 'fixture',
    holidays: holidays.map((d) => day(d, '地区假日')),
    workdays: workdays.map((d) => day(d, '地区调休上班')),
  });
  return {
    ...shipped,
    calendars: [
      ...shipped.calendars,
      file('450000', ['2026-02-28', '2026-04-20', '2026-04-21'], []),
      file('450100', [], ['2026-04-25']),
      file('450103', ['2026-04-25'], []),
    ],
  };
}

describe('WorkingCalendar with regional overrides', () => {
  const regional = WorkingCalendar.fromConfig(withRegions());

  it('applies a province to itself and every code under it, the most specific code winning', () => {
    const cases: [string | undefined, string, boolean][] = [
      [undefined, '2026-04-20', true],
      ['440000', '2026-04-20', true],
      ['450000', '2026-04-20', false],
      ['450100', '2026-04-20', false],
      ['450102', '2026-04-20', false],
      ['452100', '2026-04-21', false],
      ['450000', '2026-02-28', false], // a regional holiday over a national make-up workday
      ['440300', '2026-02-28', true],
      ['450000', '2026-04-25', false],
      ['450100', '2026-04-25', true],
      ['450102', '2026-04-25', true], // inherits its city
      ['450103', '2026-04-25', false], // its own file wins over the city's
      ['450200', '2026-04-25', false],
      ['4501', '2026-04-20', true], // malformed: national
      ['cn', '2026-04-20', true],
    ];
    for (const [region, day, working] of cases) {
      expect([region, day, regional.isWorkingDay(day, region)]).toEqual([region, day, working]);
    }
  });

  it('moves deadlines by the region', () => {
    const from = at('2026-04-17 10:00'); // Friday
    expect(local(regional.addWorkingDays(from, 1))).toBe('2026-04-20 17:30');
    expect(local(regional.addWorkingDays(from, 1, '450102'))).toBe('2026-04-22 17:30');
    expect(local(regional.addWorkingDays(from, 4, '450102'))).toBe('2026-04-25 17:30');
    expect(local(regional.addWorkingDays(from, 4, '450103'))).toBe('2026-04-27 17:30');
    expect(regional.workingDaysBetween(from, at('2026-04-22 10:00'), '450000')).toBe(1);
    expect(regional.nextWorkingDay('2026-04-17', '450000')).toBe('2026-04-22');
  });

  it('reads regional files from regions/ through loadCalendars', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calendars-'));
    const shippedDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../config/calendars');
    for (const name of ['cn-2026.json', 'office-hours.json']) cpSync(join(shippedDir, name), join(dir, name));
    mkdirSync(join(dir, 'regions'));
    writeFileSync(
      join(dir, 'regions', '450000-2026.json'),
      JSON.stringify({
        region: '450000',
        year: 2026,
        source: 'fixture, not a real notice',
        holidays: [
          { date: '2026-04-20', name: '地区假日' },
          { date: '2026-04-21', name: '地区假日' },
        ],
        workdays: [],
      }),
    );
    const fromFiles = WorkingCalendar.fromConfig(loadCalendars(dir));
    expect(fromFiles.isWorkingDay('2026-04-21', '450103')).toBe(false);
    expect(fromFiles.isWorkingDay('2026-04-21')).toBe(true);
    expect(fromFiles.covers(2025)).toBe(false);
  });
});
