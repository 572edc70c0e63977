import type { HouseholdRecord, HukouEvent } from '../../records';
import type { PopulationContext } from '../context';
import { addDays, minDate } from '../dates';
import type { Family, Member } from '../family';
import { draws, hash32 } from '../random';
import { REGIONS } from '../regions';

const LABELS = {
  birth_registered: '出生登记',
  moved_in: '迁入',
  moved_out: '迁出',
  death_registered: '死亡注销',
} as const;

/** 公安 户籍: the member's household registration and its history. */
export function hukouRecord(ctx: PopulationContext, family: Family, member: Member): HouseholdRecord {
  const d = draws(hash32(ctx.seed, member.index, 0x4b));
  const events: HukouEvent[] = [];
  const add = (type: HukouEvent['type'], date: string, otherRegionCode?: string) =>
    events.push({
      type,
      label: LABELS[type],
      date: minDate(date, ctx.asOf),
      ...(otherRegionCode ? { otherRegionCode } : {}),
    });
  const elsewhere = () => d.pick(REGIONS.filter((r) => r.code !== family.region.code)).code;

  if (member.role === 'child') add('birth_registered', addDays(member.birthDate, d.int(5, 30)));
  if (member.role === 'spouse' && family.marriageDate) {
    add('moved_in', addDays(family.marriageDate, d.int(10, 90)), elsewhere());
    if (family.divorceDate) {
      const out = addDays(family.divorceDate, d.int(10, 60));
      add('moved_out', out, family.region.code);
      add('moved_in', out, family.region.code);
    }
  }
  if ((member.role === 'head' || member.role === 'single') && d.chance(0.4)) {
    add('moved_in', addDays(member.birthDate, 365 * d.int(18, 30)), elsewhere());
  }
  if (member.deathDate) add('death_registered', addDays(member.deathDate, d.int(3, 30)));
  events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  const head = family.members.find((m) => m.slot === member.householdHeadSlot);
  return {
    idNumber: member.idNumber,
    name: member.name,
    gender: member.gender,
    birthDate: member.birthDate,
    ethnicity: member.ethnicity,
    regionCode: family.region.code,
    regionName: family.region.name,
    address: member.address,
    householdId: member.householdId,
    householdHeadIdNumber: head?.idNumber ?? member.idNumber,
    relationToHead: member.relationToHead,
    status: member.deathDate ? '死亡注销' : '正常',
    deathDate: member.deathDate,
    events,
  };
}
