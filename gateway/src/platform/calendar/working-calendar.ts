import type { CalendarData, CalendarFile } from '@gcrm/config/calendars';
import {
  chinaDayOf,
  chinaDayStart,
  DAY_MS,
  dayFromCivil,
  formatDay,
  isWeekend,
  parseDay,
  yearOf,
} from './china-day';

const HOUR_MS = 3_600_000;
const REGION_CODE = /^[1-9]\d{5}$/;

/** One year of one region's working days; `prefix[i]` counts the working days before index i. */
interface YearTable {
  start: number;
  end: number;
  working: Uint8Array;
  prefix: Uint16Array;
}

/** Day numbers a layer (national, or one region code) sets for one year. */
interface LayerYear {
  holidays: number[];
  workdays: number[];
}

type Layer = Map<number, LayerYear>;

/** The layers that apply to a region code, and their year tables, built on first use. */
interface Profile {
  layers: Layer[];
  years: Map<number, YearTable>;
  last: YearTable | undefined;
}

function layerOf(files: CalendarFile[]): Layer {
  const layer: Layer = new Map();
  for (const file of files) {
    const days = (list: { date: string }[]) =>
      list.map((d) => parseDay(d.date)).filter((d): d is number => d !== undefined);
    layer.set(file.year, { holidays: days(file.holidays), workdays: days(file.workdays) });
  }
  return layer;
}

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * 法定工作日 arithmetic for deadlines (办理时限) and overdue metrics, in China time (UTC+8).
 *
 * A day is a working day when it is a weekday that no calendar lists as a holiday (放假日), or a
 * weekend day listed as a make-up workday (调休上班日). The national calendar applies everywhere; a
 * region code (六位行政区划代码) adds the overrides of its province (`PP0000`), its city (`PPCC00`) and
 * itself, the more specific winning for a day both list. A code without overrides, a malformed one or
 * none at all gets the national calendar.
 *
 * Years without a national calendar fall back to Monday–Friday (plus any regional days of that year):
 * a deadline must never fail because next year's notice is not in config yet. {@link covers} tells a
 * caller when to warn. Bad arguments (a malformed day, a negative count, NaN) are programming errors
 * and throw RangeError.
 *
 * Per region and year the working days are a bitmap with prefix counts, built on first use, so a
 * deadline costs a few array reads per year crossed.
 *
 * @example
 * const calendar = WorkingCalendar.fromConfig(loadCalendars());
 * calendar.addWorkingDays(Date.parse('2026-02-13T10:00:00+08:00'), 1); // 2026-02-14 (调休 Saturday) 17:30
 */
export class WorkingCalendar {
  readonly #national: Layer;
  readonly #regions: Map<string, Layer>;
  readonly #covered: Set<number>;
  readonly #profiles = new Map<string, Profile>();
  /** Office periods as [start, end) ms after China midnight, in order. */
  readonly #periods: { start: number; end: number }[];
  readonly #officeMsPerDay: number;

  constructor(data: CalendarData) {
    const national = data.calendars.filter((c) => c.region === 'cn');
    this.#national = layerOf(national);
    this.#covered = new Set(national.map((c) => c.year));
    const byRegion = new Map<string, CalendarFile[]>();
    for (const c of data.calendars) {
      if (c.region !== 'cn') byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), c]);
    }
    this.#regions = new Map([...byRegion].map(([code, files]) => [code, layerOf(files)]));
    this.#periods = data.officeHours.periods
      .map((p) => ({ start: minutes(p.start) * 60_000, end: minutes(p.end) * 60_000 }))
      .filter((p) => p.end > p.start)
      .sort((a, b) => a.start - b.start);
    if (this.#periods.length === 0) throw new RangeError('office hours: at least one period is needed');
    this.#officeMsPerDay = this.#periods.reduce((sum, p) => sum + p.end - p.start, 0);
  }

  /** Same as the constructor; reads better at call sites: `WorkingCalendar.fromConfig(loadCalendars())`. */
  static fromConfig(data: CalendarData): WorkingCalendar {
    return new WorkingCalendar(data);
  }

  /** True when the national calendar of `year` is loaded; otherwise that year is counted Monday–Friday. */
  covers(year: number): boolean {
    return this.#covered.has(year);
  }

  /**
   * Whether `day` (`YYYY-MM-DD`, a China-local date) is a working day in `region` (national when omitted).
   * @throws RangeError when `day` is not a real date.
   */
  isWorkingDay(day: string, region?: string): boolean {
    return this.#isWorking(this.#profile(region), dayArg(day));
  }

  /** The first working day strictly after `day` (`YYYY-MM-DD` in and out). */
  nextWorkingDay(day: string, region?: string): string {
    return formatDay(this.#nthWorkingDayAfter(this.#profile(region), dayArg(day), 1));
  }

  /**
   * The deadline of "受理后 N 个工作日": the end of office hours (17:30 China time with the shipped
   * office hours) of the `days`-th working day after the China-local day of `from`. The day of `from`
   * itself does not count, whatever the time. `days = 0` gives the end of office hours of that same day
   * if it is a working day (even when `from` is later that evening), else of the next working day.
   * @throws RangeError when `from` is not finite or `days` is not a non-negative integer.
   */
  addWorkingDays(from: number, days: number, region?: string): number {
    instantArg(from);
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError(`days must be a non-negative integer: ${days}`);
    const p = this.#profile(region);
    const day = chinaDayOf(from);
    if (days === 0 && this.#isWorking(p, day)) return this.#closing(day);
    return this.#closing(this.#nthWorkingDayAfter(p, day, Math.max(days, 1)));
  }

  /**
   * `from` plus `hours` of office time: only office periods of working days count, fractions included
   * (rounded to the millisecond). From outside office hours the count starts with the next office period.
   * The answer is the earliest instant at which that much office time has passed, so a limit that uses
   * up a period exactly ends at that period's end (3 hours from 09:00 is 12:00, not 13:30), 0 hours is
   * `from` itself, and `addWorkingHours(addWorkingHours(t, a), b) === addWorkingHours(t, a + b)`.
   * @throws RangeError when `from` or `hours` is not finite or `hours` is negative.
   */
  addWorkingHours(from: number, hours: number, region?: string): number {
    instantArg(from);
    if (!Number.isFinite(hours) || hours < 0)
      throw new RangeError(`hours must be a finite number ≥ 0: ${hours}`);
    let remaining = Math.round(hours * HOUR_MS);
    if (remaining === 0) return from;
    const p = this.#profile(region);
    const day = chinaDayOf(from);
    if (this.#isWorking(p, day)) {
      const at = from - chinaDayStart(day);
      for (const period of this.#periods) {
        if (at >= period.end) continue;
        const start = Math.max(at, period.start);
        if (remaining <= period.end - start) return chinaDayStart(day) + start + remaining;
        remaining -= period.end - start;
      }
    }
    // Whole working days first, then the rest (0 < rest ≤ one day) into the last day's periods.
    const n = Math.ceil(remaining / this.#officeMsPerDay);
    const last = this.#nthWorkingDayAfter(p, day, n);
    remaining -= (n - 1) * this.#officeMsPerDay;
    for (const period of this.#periods) {
      if (remaining <= period.end - period.start) return chinaDayStart(last) + period.start + remaining;
      remaining -= period.end - period.start;
    }
    throw new Error('unreachable: the rest fits in one working day');
  }

  /**
   * Working days from `from` to `to`: those after the China-local day of `from` up to and including the
   * day of `to`; negative when `to` is earlier. With `from` a deadline and `to` the time a case was done,
   * it is how many working days late it was. For n ≥ 1,
   * `workingDaysBetween(t, addWorkingDays(t, n)) === n`.
   */
  workingDaysBetween(from: number, to: number, region?: string): number {
    instantArg(from);
    instantArg(to);
    if (to < from) return 0 - this.workingDaysBetween(to, from, region); // 0 - x: never -0
    return this.#countWorking(this.#profile(region), chinaDayOf(from) + 1, chinaDayOf(to) + 1);
  }

  /**
   * Office hours (fractional) of working days between `from` and `to`; negative when `to` is earlier.
   * The inverse of {@link addWorkingHours}: `workingHoursBetween(t, addWorkingHours(t, h)) === h`.
   */
  workingHoursBetween(from: number, to: number, region?: string): number {
    instantArg(from);
    instantArg(to);
    if (to < from) return 0 - this.workingHoursBetween(to, from, region);
    const p = this.#profile(region);
    const [a, b] = [chinaDayOf(from), chinaDayOf(to)];
    const [atA, atB] = [from - chinaDayStart(a), to - chinaDayStart(b)];
    let ms: number;
    if (a === b) ms = this.#isWorking(p, a) ? this.#officeMs(atA, atB) : 0;
    else {
      ms =
        (this.#isWorking(p, a) ? this.#officeMs(atA, DAY_MS) : 0) +
        (this.#isWorking(p, b) ? this.#officeMs(0, atB) : 0);
      ms += this.#countWorking(p, a + 1, b) * this.#officeMsPerDay;
    }
    return ms / HOUR_MS;
  }

  #closing(day: number): number {
    return chinaDayStart(day) + this.#periods[this.#periods.length - 1]!.end;
  }

  /** Office time within [from, to) ms after midnight of one working day. */
  #officeMs(from: number, to: number): number {
    let ms = 0;
    for (const p of this.#periods) ms += Math.max(0, Math.min(to, p.end) - Math.max(from, p.start));
    return ms;
  }

  #isWorking(p: Profile, day: number): boolean {
    const t = this.#table(p, day);
    return t.working[day - t.start] === 1;
  }

  /** Working days in [from, to). */
  #countWorking(p: Profile, from: number, to: number): number {
    let n = 0;
    for (let d = from; d < to; ) {
      const t = this.#table(p, d);
      const stop = Math.min(to, t.end);
      n += t.prefix[stop - t.start]! - t.prefix[d - t.start]!;
      d = stop;
    }
    return n;
  }

  /** The n-th (n ≥ 1) working day after `day`, skipping whole years by their counts. */
  #nthWorkingDayAfter(p: Profile, day: number, n: number): number {
    if (n < 1) return day;
    let t = this.#table(p, day);
    let i = day - t.start + 1;
    for (;;) {
      const length = t.end - t.start;
      const left = i >= length ? 0 : t.prefix[length]! - t.prefix[i]!;
      if (left >= n) {
        for (; ; i++) if (t.working[i] === 1 && --n === 0) return t.start + i;
      }
      n -= left;
      t = this.#table(p, t.end);
      i = 0;
    }
  }

  #profile(region: string | undefined): Profile {
    const key = region !== undefined && REGION_CODE.test(region) ? region : '';
    let profile = this.#profiles.get(key);
    if (profile) return profile;
    const codes = key === '' ? [] : [...new Set([`${key.slice(0, 2)}0000`, `${key.slice(0, 4)}00`, key])];
    const used = codes.filter((c) => this.#regions.has(c));
    // Codes with the same overrides (all of a province without city files) share one set of tables.
    const shared = used.join('>');
    profile = this.#profiles.get(shared) ?? {
      layers: [this.#national, ...used.map((c) => this.#regions.get(c)!)],
      years: new Map(),
      last: undefined,
    };
    this.#profiles.set(shared, profile);
    this.#profiles.set(key, profile);
    return profile;
  }

  /** The table of the year `day` falls in. */
  #table(p: Profile, day: number): YearTable {
    const last = p.last;
    if (last !== undefined && day >= last.start && day < last.end) return last;
    const year = yearOf(day);
    let t = p.years.get(year);
    if (t === undefined) {
      t = buildYear(p.layers, year);
      p.years.set(year, t);
    }
    p.last = t;
    return t;
  }
}

function buildYear(layers: Layer[], year: number): YearTable {
  const start = dayFromCivil(year, 1, 1);
  const end = dayFromCivil(year + 1, 1, 1);
  const working = new Uint8Array(end - start);
  for (let i = 0; i < working.length; i++) working[i] = isWeekend(start + i) ? 0 : 1;
  for (const layer of layers) {
    const days = layer.get(year);
    if (days === undefined) continue;
    for (const d of days.holidays) if (d >= start && d < end) working[d - start] = 0;
    for (const d of days.workdays) if (d >= start && d < end) working[d - start] = 1;
  }
  const prefix = new Uint16Array(working.length + 1);
  for (let i = 0; i < working.length; i++) prefix[i + 1] = prefix[i]! + working[i]!;
  return { start, end, working, prefix };
}

function dayArg(day: string): number {
  const d = parseDay(day);
  if (d === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return d;
}

function instantArg(instant: number): void {
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant (epoch ms): ${instant}`);
}
