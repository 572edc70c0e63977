import type { InsuranceContribution, InsuranceType, SocialInsuranceRecord } from '../../records';
import { fictitiousUscc } from '../../uscc';
import type { PopulationContext } from '../context';
import { addMonths, ageOn, monthNumber, monthString } from '../dates';
import type { Family, Member } from '../family';
import { employerName } from '../names';
import { draws, hash32 } from '../random';

/** Contributions start no earlier than this month (the unified pension accounts). */
const FIRST_SETTLEMENT = '1995-01';
const EMPLOYERS_PER_REGION = 500;
const TYPES: [InsuranceType, number][] = [
  ['企业职工基本养老保险', 0],
  ['职工基本医疗保险', 0],
  ['失业保险', 24],
  ['工伤保险', 36],
  ['生育保险', 36],
];

function employer(ctx: PopulationContext, family: Family, n: number) {
  const d = draws(hash32(ctx.seed, family.index % 64, n, 0xe1));
  const cityPrefix = family.region.name.slice(0, family.region.name.length - family.region.district.length);
  return {
    name: employerName(d, cityPrefix),
    uscc: fictitiousUscc(family.region.code, hash32(ctx.seed, family.index % 64, n) % 27_512_614_111),
  };
}

/**
 * 人社: contributions of an adult. About 10 % of adults have no record, some are near 15 years
 * (12–16), and those past their legal retirement age (60 men; 55 or 50 women) are 退休.
 */
export function socialInsuranceRecord(
  ctx: PopulationContext,
  family: Family,
  member: Member,
): SocialInsuranceRecord | undefined {
  const age = ageOn(member.birthDate, ctx.asOf);
  if (member.deathDate || age < 18) return undefined;
  const d = draws(hash32(ctx.seed, member.index, 0x51));
  if (d.chance(0.1)) return undefined;
  const male = member.gender === '男';
  const retirementAge = male ? 60 : d.chance(0.5) ? 55 : 50;
  const startAge = d.int(18, 26);
  if (age < startAge) return undefined;
  let first = Math.max(monthNumber(member.birthDate) + startAge * 12, monthNumber(FIRST_SETTLEMENT));
  const retired = age >= retirementAge;
  // Fixed points are taken from the settlement month before `asOf`; only current contributors move
  // with a later `dataMonth`.
  const baseMonth = monthNumber(ctx.asOf) - 1;
  const dataMonth = Math.max(baseMonth, monthNumber(ctx.dataMonth));
  const suspended = !retired && d.chance(0.12);
  let last = retired
    ? Math.min(monthNumber(member.birthDate) + retirementAge * 12, baseMonth)
    : suspended
      ? baseMonth - d.int(1, 36)
      : baseMonth;
  if (last < first) last = first;
  let gaps = d.chance(0.5) ? d.int(0, Math.floor((last - first + 1) * 0.2)) : 0;
  if (!retired && age >= 33 && d.chance(0.18)) {
    // Near the 15-year line that many policies check.
    const target = d.int(12 * 12, 16 * 12 - 1);
    gaps = d.int(0, 6);
    first = Math.max(first, last - target - gaps + 1);
  }
  if (!retired && !suspended) last = dataMonth;
  const months = Math.max(1, last - first + 1 - gaps);
  const insurances: InsuranceContribution[] = [];
  for (const [type, maxShortfall] of TYPES) {
    const typeMonths = Math.max(0, months - (maxShortfall ? d.int(0, maxShortfall) : 0));
    if (typeMonths === 0) continue;
    insurances.push({
      type,
      months: typeMonths,
      years: Math.floor(typeMonths / 12),
      firstMonth: addMonths(monthString(first), months - typeMonths),
      lastMonth: monthString(last),
    });
  }
  return {
    idNumber: member.idNumber,
    name: member.name,
    status: retired ? '退休' : suspended ? '暂停' : '参保中',
    employer: retired ? null : employer(ctx, family, d.int(0, EMPLOYERS_PER_REGION - 1)),
    insurances,
    retirementAge,
    dataMonth: ctx.dataMonth,
  };
}
