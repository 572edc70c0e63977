// Calendar days in China time as integers: days since 1970-01-01, China-local (UTC+8).
// China has used UTC+8 without daylight saving since 1991, so a day is exactly 86,400,000 ms and the
// arithmetic below is exact for every instant a case carries. Integer maths only, no Date, no Intl:
// these run once per day stepped over in every deadline.

export const CHINA_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

/** The China-local day of an instant. */
export const chinaDayOf = (instant: number): number => Math.floor((instant + CHINA_OFFSET_MS) / DAY_MS);

/** The instant a China-local day begins (00:00 UTC+8). */
export const chinaDayStart = (day: number): number => day * DAY_MS - CHINA_OFFSET_MS;

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

export const isWeekend = (day: number): boolean => {
  const w = weekdayOf(day);
  return w === 0 || w === 6;
};

// days_from_civil / civil_from_days: Howard Hinnant, "chrono-compatible low-level date algorithms".
/** The day number of a proleptic Gregorian date (month 1–12). */
export function dayFromCivil(year: number, month: number, date: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + date - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civil(day: number): [year: number, month: number, date: number] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** The year a day number falls in. */
export const yearOf = (day: number): number => civil(day)[0];

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of `YYYY-MM-DD` if it names a real date, else undefined. */
export function parseDay(text: string): number | undefined {
  const m = ISO_DAY.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const day = dayFromCivil(y, mo, d);
  return civil(day)[2] === d ? day : undefined;
}

/** `YYYY-MM-DD` of a day number (years 0–9999). */
export function formatDay(day: number): string {
  const [y, m, d] = civil(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
