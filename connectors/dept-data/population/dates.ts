// Calendar helpers on `YYYY-MM-DD` / `YYYY-MM` strings (UTC arithmetic, no time zone involved).

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The earlier of two dates. */
export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** Full years of age on `on` for someone born on `birthDate`. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Months since year 0 of a `YYYY-MM` or `YYYY-MM-DD`. */
export function monthNumber(value: string): number {
  return Number(value.slice(0, 4)) * 12 + Number(value.slice(5, 7)) - 1;
}

export function monthString(monthNo: number): string {
  return `${Math.floor(monthNo / 12)}-${String((monthNo % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, months: number): string {
  return monthString(monthNumber(month) + months);
}
