import type { PersonRef, PropertyRecord, PropertyRegistration } from '../../records';
import type { PopulationContext } from '../context';
import { ageOn } from '../dates';
import type { Family, Member } from '../family';
import { dateOfYear } from '../id-layout';
import { address } from '../names';
import { draws, hash32 } from '../random';

const ref = (m: Member): PersonRef => ({ idNumber: m.idNumber, name: m.name });

/** 不动产: the family's homes (couples ~70 %, their live parent ~40 %, singles over 30 ~30 %). */
export function propertyRegistrations(ctx: PopulationContext, family: Family): PropertyRegistration[] {
  const d = draws(hash32(ctx.seed, family.index, 0x9e));
  const lastYear = ctx.asOfYear - 1;
  const list: PropertyRegistration[] = [];
  const register = (owners: Member[], fromYear: number, where: string) => {
    const year = d.int(Math.min(fromYear, lastYear), lastYear);
    const first = owners[0]!;
    list.push({
      certificateNo: `${family.region.abbr}(${year})${family.region.district}不动产权第${String(first.index % 10_000_000).padStart(7, '0')}号`,
      unitNo: `${family.region.code}${String(family.index).padStart(6, '0')}GB${String(first.slot).padStart(5, '0')}F00010001`,
      owners: owners.map(ref),
      ownership: owners.length > 1 ? '共同共有' : '单独所有',
      regionCode: family.region.code,
      address: where,
      areaM2: Math.round(d.int(4000, 18000)) / 100,
      use: '住宅',
      registrationDate: dateOfYear(year, d.int(0, 364)),
    });
  };
  for (const member of family.members) {
    const age = ageOn(member.birthDate, ctx.asOf);
    const birthYear = Number(member.birthDate.slice(0, 4));
    if (member.role === 'head' && age >= 28 && d.chance(0.7)) {
      const spouse = family.members.find((m) => m.role === 'spouse');
      const married = family.marriageDate ? Number(family.marriageDate.slice(0, 4)) : birthYear + 25;
      const owners = spouse && !family.divorceDate ? [member, spouse] : [member];
      register(owners, Math.max(married, birthYear + 25), member.address);
    } else if (member.role === 'parent' && !member.deathDate && d.chance(0.4)) {
      register([member], birthYear + 35, address(d, family.region.name));
    } else if (member.role === 'single' && age >= 30 && d.chance(0.3)) {
      register([member], birthYear + 25, member.address);
    }
  }
  return list;
}

export function propertyRecord(
  ctx: PopulationContext,
  family: Family,
  member: Member,
): PropertyRecord | undefined {
  const properties = propertyRegistrations(ctx, family).filter((p) =>
    p.owners.some((o) => o.idNumber === member.idNumber),
  );
  return properties.length === 0 ? undefined : { idNumber: member.idNumber, properties };
}
