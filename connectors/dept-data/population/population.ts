import { isIdNumber } from '../id-number';
import type { DeptRecordMap } from '../records';
import type { DeptSourceKey } from '../sources';
import type { PopulationContext } from './context';
import { addMonths } from './dates';
import { type Family, generateFamily, type Member } from './family';
import { decodeLayout, MAX_POPULATION_SIZE, SLOTS_PER_FAMILY } from './id-layout';
import { educationRecord } from './records/education';
import { healthRecord } from './records/health';
import { hukouRecord } from './records/hukou';
import { marriageRecord } from './records/marriage';
import { propertyRecord } from './records/property';
import { socialInsuranceRecord } from './records/social-insurance';

export { MAX_POPULATION_SIZE };

export interface PopulationOptions {
  /** Same seed, size and asOf → the same people and records. Default 1. */
  seed?: number;
  /** Number of persons, 1..{@link MAX_POPULATION_SIZE}. Default 1000. */
  size?: number;
  /** Reference date `YYYY-MM-DD`; ages and "current" states are as of it. Default `2026-01-01`. */
  asOf?: string;
}

/** A person of the population (what 公安 and the others agree on), plus where it sits in its family. */
export type PopulationPerson = Member;

/**
 * A deterministic fictitious population. Nothing is materialised: each person and record is computed
 * from (seed, index) on demand, so a million persons cost nothing until read.
 */
export interface Population {
  readonly seed: number;
  readonly size: number;
  readonly asOf: string;
  /** The person at `index` (0-based); throws RangeError outside 0..size-1. */
  person(index: number): PopulationPerson;
  /** Every person in index order (streams; one family at a time). */
  persons(start?: number, end?: number): Generator<PopulationPerson>;
  /** Index of the person with this ID number, or undefined (O(1), no lookup table). */
  indexOf(idNumber: string): number | undefined;
  /** The family (household group) at `familyIndex`. */
  family(familyIndex: number): Family;
  /**
   * The source's record of the person, or undefined when that source holds nothing about them.
   * `dataMonth` moves the 人社 settlement month (default: the month before `asOf`).
   */
  record<S extends DeptSourceKey>(
    source: S,
    idNumber: string,
    dataMonth?: string,
  ): DeptRecordMap[S] | undefined;
}

type Builder = (ctx: PopulationContext, family: Family, member: Member) => unknown;

const BUILDERS: Record<DeptSourceKey, Builder> = {
  hukou: hukouRecord,
  'social-insurance': socialInsuranceRecord,
  marriage: (_ctx, family, member) => marriageRecord(family, member),
  health: healthRecord,
  education: educationRecord,
  property: propertyRecord,
};

export function createPopulation(options: PopulationOptions = {}): Population {
  const seed = options.seed ?? 1;
  const size = options.size ?? 1000;
  const asOf = options.asOf ?? '2026-01-01';
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_POPULATION_SIZE) {
    throw new RangeError(`size must be 1..${MAX_POPULATION_SIZE}`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new RangeError('asOf must be YYYY-MM-DD');
  const ctx: PopulationContext = {
    seed,
    size,
    asOf,
    asOfYear: Number(asOf.slice(0, 4)),
    dataMonth: addMonths(asOf.slice(0, 7), -1),
  };
  let cached: Family | undefined;
  const family = (k: number): Family => {
    if (cached?.index !== k) cached = generateFamily(ctx, k);
    return cached;
  };
  const person = (index: number): Member => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError('index out of range');
    return family(Math.floor(index / SLOTS_PER_FAMILY)).members.find((m) => m.index === index)!;
  };
  const find = (idNumber: string): { family: Family; member: Member } | undefined => {
    if (!isIdNumber(idNumber)) return undefined;
    const place = decodeLayout(seed, idNumber);
    if (!place || place.family * SLOTS_PER_FAMILY + place.slot >= size) return undefined;
    const f = family(place.family);
    const member = f.members.find((m) => m.slot === place.slot);
    return member?.idNumber === idNumber ? { family: f, member } : undefined;
  };
  return {
    seed,
    size,
    asOf,
    person,
    *persons(start = 0, end = size) {
      const from = Math.max(0, start);
      const to = Math.min(end, size);
      for (let k = Math.floor(from / SLOTS_PER_FAMILY); k * SLOTS_PER_FAMILY < to; k++) {
        for (const member of family(k).members) if (member.index >= from && member.index < to) yield member;
      }
    },
    indexOf: (idNumber) => find(idNumber)?.member.index,
    family,
    record(source, idNumber, dataMonth) {
      const found = find(idNumber);
      if (!found) return undefined;
      const at = dataMonth ? { ...ctx, dataMonth } : ctx;
      return BUILDERS[source](at, found.family, found.member) as never;
    },
  };
}
