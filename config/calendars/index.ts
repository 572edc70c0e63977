/**
 * The working-day calendar (法定工作日) as data, read by every deadline in the product.
 *
 * - `cn-<year>.json`: the national calendar of one year, from the State Council General Office's notice
 *   (国务院办公厅关于<year>年部分节假日安排的通知). `holidays` lists every day of each holiday period,
 *   the weekend days inside the period included; `workdays` lists the weekend days that are worked
 *   (调休上班). Every other Saturday and Sunday is a rest day, every other weekday a working day.
 * - `regions/<code>-<year>.json`: a region's own days (e.g. 广西 壮族三月三), same shape, `region` a
 *   six-digit 行政区划代码. They apply on top of the national calendar to that code and every code under
 *   it; a more specific file wins for the days it lists.
 * - `office-hours.json`: the office periods of a working day, China time (UTC+8).
 *
 * Everything is checked against `../schemas/calendar.schema.json` and then across files; a bad file
 * stops the process with one ConfigError naming every file, path and reason.
 *
 * @example
 * const data = loadCalendars(); // config/calendars/
 * const calendar = WorkingCalendar.fromConfig(data); // gateway/src/platform/calendar
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { ConfigError } from '../index';
import calendarSchema from '../schemas/calendar.schema.json' with { type: 'json' };

/** One listed day: `YYYY-MM-DD` and what it is (`春节`, `春节调休上班`). */
export interface CalendarDay {
  date: string;
  name: string;
}

/** One year of one region (`cn` = national). */
export interface CalendarFile {
  region: string;
  year: number;
  /** The notice the days come from. */
  source: string;
  /** 放假日: every day of each holiday period, weekend days inside the period included. */
  holidays: CalendarDay[];
  /** 调休上班日: weekend days that are working days. */
  workdays: CalendarDay[];
}

/** An office period of a working day, `HH:MM` China time. */
export interface OfficePeriod {
  start: string;
  end: string;
}

export interface CalendarData {
  /** National files (region `cn`) and regional files, each region/year once. */
  calendars: CalendarFile[];
  /** In order, not overlapping. */
  officeHours: { periods: OfficePeriod[] };
}

export const NATIONAL_REGION = 'cn';
export const OFFICE_HOURS_FILE = 'office-hours.json';

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(calendarSchema);
const validateCalendar = ajv.compile<CalendarFile>(calendarSchema);
const validateOfficeHours = ajv.getSchema<CalendarData['officeHours']>(
  `${calendarSchema.$id}#/$defs/officeHours`,
)!;

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;
const DAY_MS = 86_400_000;

function reason(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `缺少必填项 ${String(p.missingProperty)}`;
    case 'additionalProperties':
      return `不允许的字段 ${String(p.additionalProperty)}`;
    case 'type':
      return `类型应为 ${String(p.type)}`;
    case 'pattern':
      return `格式不正确（应匹配 ${String(p.pattern)}）`;
    case 'minimum':
    case 'maximum':
      return `超出范围（${error.keyword === 'minimum' ? '不小于' : '不大于'} ${String(p.limit)}）`;
    case 'minLength':
      return `至少 ${String(p.limit)} 个字符`;
    case 'maxLength':
      return `至多 ${String(p.limit)} 个字符`;
    case 'minItems':
      return `至少 ${String(p.limit)} 项`;
    default:
      return error.message ?? error.keyword;
  }
}

function readJson(
  file: string,
  check: ((v: unknown) => boolean) & { errors?: ErrorObject[] | null },
  problems: string[],
): unknown {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${file}: 不是有效的 JSON (${(error as Error).message})`);
    return undefined;
  }
  if (check(value)) return value;
  for (const e of check.errors ?? []) problems.push(`${file}${e.instancePath || '/'}: ${reason(e)}`);
  return undefined;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` that names a real date, else undefined. */
function dayNumber(date: string): number | undefined {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d)
    return undefined;
  return t / DAY_MS;
}

const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7;
const isWeekend = (day: number) => weekdayOf(day) === 0 || weekdayOf(day) === 6;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Checks within one calendar file that its JSON Schema cannot express. */
export function checkCalendar(file: string, calendar: CalendarFile): string[] {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  const holidaysByName = new Map<string, number[]>();
  for (const kind of ['holidays', 'workdays'] as const) {
    for (const [i, entry] of calendar[kind].entries()) {
      const where = `${file}/${kind}/${i}/date`;
      const day = dayNumber(entry.date);
      if (day === undefined) {
        problems.push(`${where}: ${entry.date} 不是有效的日期`);
        continue;
      }
      if (Number(entry.date.slice(0, 4)) !== calendar.year) {
        problems.push(`${where}: ${entry.date} 不在本文件的年份 ${calendar.year} 内`);
      }
      const before = seen.get(day);
      if (before === kind) problems.push(`${where}: ${entry.date} 重复列出`);
      else if (before !== undefined) problems.push(`${where}: ${entry.date} 同时列为放假日和调休上班日`);
      seen.set(day, kind);
      if (kind === 'workdays' && !isWeekend(day)) {
        problems.push(`${where}: 调休上班日 ${entry.date} 是${WEEKDAY[weekdayOf(day)]}，应为周六或周日`);
      }
      if (kind === 'holidays')
        holidaysByName.set(entry.name, [...(holidaysByName.get(entry.name) ?? []), day]);
    }
  }
  // Weekend days inside a holiday period are listed too, so that a period reads as the notice
  // announces it and every file follows one rule; a gap of weekend days only is a forgotten weekend.
  for (const [name, days] of holidaysByName) {
    const sorted = [...new Set(days)].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) {
      const gap: number[] = [];
      for (let d = sorted[i - 1]! + 1; d < sorted[i]!; d++) gap.push(d);
      if (gap.length > 0 && gap.every(isWeekend)) {
        problems.push(
          `${file}/holidays: 假期「${name}」中的周末 ${gap.map(isoOf).join('、')} 未列出（假期内的周末也要逐日列出）`,
        );
      }
    }
  }
  return problems;
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Office periods are in order and do not overlap. */
export function checkOfficeHours(file: string, hours: CalendarData['officeHours']): string[] {
  const problems: string[] = [];
  let previousEnd = -1;
  for (const [i, { start, end }] of hours.periods.entries()) {
    if (minutesOf(start) >= minutesOf(end)) {
      problems.push(`${file}/periods/${i}: 开始时间 ${start} 应早于结束时间 ${end}`);
    }
    if (minutesOf(start) < previousEnd) {
      problems.push(`${file}/periods/${i}: 开始时间 ${start} 早于上一时段的结束时间，时段应按顺序且不重叠`);
    }
    previousEnd = minutesOf(end);
  }
  return problems;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Reads and checks a calendars directory (default: this one): national files at its top, regional
 * ones under `regions/`, and `office-hours.json`. Across files: one file per region and year, national
 * files at the top and regional ones under `regions/`, and a regional year only where the national
 * calendar of that year exists. Throws ConfigError listing every problem.
 */
export function loadCalendars(dir: string = here): CalendarData {
  const problems: string[] = [];
  const calendars: CalendarFile[] = [];
  const byKey = new Map<string, string>();
  const regionsDir = join(dir, 'regions');
  const files = [
    ...jsonFiles(dir)
      .filter((f) => basename(f) !== OFFICE_HOURS_FILE)
      .map((f) => ({ f, national: true })),
    ...(existsSync(regionsDir) ? jsonFiles(regionsDir).map((f) => ({ f, national: false })) : []),
  ];
  for (const { f, national } of files) {
    const calendar = readJson(f, validateCalendar, problems) as CalendarFile | undefined;
    if (calendar === undefined) continue;
    if (national !== (calendar.region === NATIONAL_REGION)) {
      problems.push(
        national
          ? `${f}/region: 地区日历 ${calendar.region} 应放在 regions/ 下`
          : `${f}/region: 全国日历 (cn) 应放在 calendars/ 下，而不是 regions/ 下`,
      );
    }
    const key = `${calendar.region}-${calendar.year}`;
    const other = byKey.get(key);
    if (other !== undefined)
      problems.push(`${f}: 与 ${other} 重复（地区 ${calendar.region}、${calendar.year} 年）`);
    byKey.set(key, f);
    problems.push(...checkCalendar(f, calendar));
    calendars.push(calendar);
  }
  const nationalYears = new Set(calendars.filter((c) => c.region === NATIONAL_REGION).map((c) => c.year));
  for (const c of calendars) {
    if (c.region !== NATIONAL_REGION && !nationalYears.has(c.year)) {
      problems.push(`${byKey.get(`${c.region}-${c.year}`)}: 缺少同年的全国日历 cn-${c.year}.json`);
    }
  }

  const officeFile = join(dir, OFFICE_HOURS_FILE);
  let officeHours: CalendarData['officeHours'] | undefined;
  if (!existsSync(officeFile)) problems.push(`${officeFile}: 缺少对外办公时间文件`);
  else {
    officeHours = readJson(officeFile, validateOfficeHours, problems) as typeof officeHours;
    if (officeHours) problems.push(...checkOfficeHours(officeFile, officeHours));
  }
  if (problems.length > 0 || officeHours === undefined) throw new ConfigError(problems);
  return { calendars, officeHours };
}
