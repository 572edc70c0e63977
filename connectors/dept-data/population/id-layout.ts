import { buildIdNumber } from '../id-number';
import { hash32 } from './random';
import { REGIONS, regionIndex } from './regions';

// How a (family, slot) pair maps to a unique ID number, without any index or set of issued numbers.
//
// A family k has 4 slots j. Its bucket a = k mod 768 picks the region (a mod 64) and 12 of the 48
// sequence pairs (900 + 2r + gender, r = 12j + floor(a / 64)); q = floor(k / 768) picks the day of the
// birth year ((2q + offset(a, j)) mod 365). Two persons in the same bucket and slot differ in q, hence in
// birth day; different slots or buckets differ in region or sequence. So every ID is unique and
// decodes back to (k, j). The birth year is free (it follows the family's ages).

const REGION_COUNT = 64;
const PAIRS_PER_SLOT = 12;
export const SLOTS_PER_FAMILY = 4;
const BUCKETS = REGION_COUNT * PAIRS_PER_SLOT;
const DAYS = 365;
/** 2⁻¹ mod 365. */
const INVERSE_OF_2 = 183;

/** Largest population the layout keeps unique: 768 × 365 families of 4. */
export const MAX_POPULATION_SIZE = BUCKETS * DAYS * SLOTS_PER_FAMILY;

if (REGIONS.length !== REGION_COUNT) throw new Error('the ID layout needs exactly 64 regions');

function dayOffset(seed: number, bucket: number, slot: number): number {
  return hash32(seed, bucket, slot, 0x1d) % DAYS;
}

/** The region every member of family `k` is registered in. */
export function familyRegionIndex(k: number): number {
  return (k % BUCKETS) % REGION_COUNT;
}

/** Day of the year (0-based, 0..364) on which the member in `slot` of family `k` was born. */
export function birthDayOfYear(seed: number, k: number, slot: number): number {
  const bucket = k % BUCKETS;
  const q = Math.floor(k / BUCKETS);
  return (2 * q + dayOffset(seed, bucket, slot)) % DAYS;
}

/** `YYYY-MM-DD` of day `dayOfYear` (0-based) of `year`. */
export function dateOfYear(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
}

/** The ID number of the member in `slot` of family `k`, born in `birthYear`. */
export function layoutIdNumber(
  seed: number,
  k: number,
  slot: number,
  birthYear: number,
  male: boolean,
): string {
  const bucket = k % BUCKETS;
  const pair = PAIRS_PER_SLOT * slot + Math.floor(bucket / REGION_COUNT);
  const region = REGIONS[bucket % REGION_COUNT]!;
  return buildIdNumber(
    region.code,
    dateOfYear(birthYear, birthDayOfYear(seed, k, slot)),
    900 + 2 * pair + (male ? 1 : 0),
  );
}

/** (family, slot) an ID number would have in the layout, or undefined when it cannot be one of ours. */
export function decodeLayout(seed: number, idNumber: string): { family: number; slot: number } | undefined {
  const regionIdx = regionIndex(idNumber.slice(0, 6));
  const sequence = Number(idNumber.slice(14, 17));
  if (
    regionIdx === undefined ||
    !(sequence >= 900 && sequence < 900 + 2 * PAIRS_PER_SLOT * SLOTS_PER_FAMILY)
  ) {
    return undefined;
  }
  const pair = Math.floor((sequence - 900) / 2);
  const slot = Math.floor(pair / PAIRS_PER_SLOT);
  const bucket = (pair % PAIRS_PER_SLOT) * REGION_COUNT + regionIdx;
  const year = Number(idNumber.slice(6, 10));
  const date = Date.UTC(year, Number(idNumber.slice(10, 12)) - 1, Number(idNumber.slice(12, 14)));
  const day = Math.round((date - Date.UTC(year, 0, 1)) / 86_400_000);
  if (!(day >= 0 && day < DAYS)) return undefined;
  const q = ((((day - dayOffset(seed, bucket, slot)) % DAYS) + DAYS) * INVERSE_OF_2) % DAYS;
  return { family: q * BUCKETS + bucket, slot };
}
