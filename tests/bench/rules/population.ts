/**
 * A deterministic, fictitious citizen_profile population for `npm run bench:rules`: row i depends only on
 * (seed, i), so the loader, the in-process subjects and the sample read back agree without sharing state.
 * Values cover what the policies test: missing facts (NULL), empty region strings, 29 February birthdays,
 * deaths, marriages after the 20th birthday.
 */
import type { ProfileRow } from '../../../gateway/src/rules';

/** The day every bench evaluation is taken on (Asia/Shanghai). */
export const TODAY = '2026-06-01';
const TODAY_YEAR = 2026;

export const LOCAL_REGIONS = [
  '110101',
  '110102',
  '110105',
  '110106',
  '110108',
  '110114',
  '110115',
  '110116',
  '110117',
  '110119',
] as const;
const OTHER_REGIONS = ['130102', '310101', '440106', '510104'] as const;
const EMPLOYMENT = ['employed', 'employed', 'employed', 'flexible', 'unemployed', 'retired', 'student'];

/** mulberry32 over a per-row seed: cheap and reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function dateIn(year: number, r: () => number): string {
  const month = 1 + Math.floor(r() * 12);
  const last = month === 2 && leap(year) ? 29 : DAYS[month - 1]!;
  return `${year}-${pad(month)}-${pad(1 + Math.floor(r() * last))}`;
}

/** Profile row `i` of the population `seed` (the key is a fictitious blind index). */
export function profileRow(seed: number, i: number): ProfileRow {
  const r = rng(Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
  const age = Math.floor(r() * 101);
  // 1 in 500 is born on 29 February of a leap year, to exercise age edges.
  let birth: string | null = dateIn(TODAY_YEAR - age, r);
  if (r() < 0.002) birth = `${2024 - 4 * Math.floor(r() * 25)}-02-29`;
  if (r() < 0.02) birth = null;
  const adult = age >= 20;
  const maritalRoll = r();
  const marital = !adult
    ? 'unmarried'
    : maritalRoll < 0.25
      ? 'unmarried'
      : maritalRoll < 0.8
        ? 'married'
        : maritalRoll < 0.9
          ? 'divorced'
          : 'widowed';
  const marriage = marital === 'unmarried' ? null : dateIn(TODAY_YEAR - Math.floor(r() * (age - 19)), r);
  const regionRoll = r();
  const region =
    regionRoll < 0.01
      ? null
      : regionRoll < 0.015
        ? ''
        : regionRoll < 0.85
          ? LOCAL_REGIONS[Math.floor(r() * LOCAL_REGIONS.length)]!
          : OTHER_REGIONS[Math.floor(r() * OTHER_REGIONS.length)]!;
  const si = r() < 0.03 ? null : Math.max(0, Math.min(age - 16, Math.floor(r() * 42)));
  const children = !adult ? 0 : r() < 0.02 ? null : Math.floor(r() * r() * 5);
  const income = r() < 0.05 ? null : Math.floor(r() * r() * 400_000);
  const employment = age < 16 ? 'student' : age >= 60 ? 'retired' : EMPLOYMENT[Math.floor(r() * 7)]!;
  const property = r() < 0.05 ? null : r() < 0.6;
  const death = r() < 0.01 ? dateIn(TODAY_YEAR - Math.floor(r() * 3), r) : null;
  const disabledRoll = r();
  return {
    id_index: `bi${i.toString(36).padStart(8, '0')}`,
    updated_at: 0,
    birth_date: birth,
    gender: r() < 0.5 ? 'M' : 'F',
    household_region: region,
    hukou_type: r() < 0.3 ? 'rural' : 'urban',
    marital_status: marital,
    marriage_date: marriage,
    social_insurance_years: si,
    children_count: children,
    annual_income: income,
    employment_status: employment,
    has_property: property,
    death_date: death,
    disabled: disabledRoll < 0.01 ? null : disabledRoll < 0.04,
  };
}
