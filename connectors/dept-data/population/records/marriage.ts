import type { MarriageRecord, MarriageRegistration, PersonRef } from '../../records';
import { type Family, type Member, memberAt } from '../family';

const ref = (m: Member): PersonRef => ({ idNumber: m.idNumber, name: m.name });

/** 民政: the family's marriage (and divorce) registrations; both parties are in the population. */
export function marriageRegistrations(family: Family): MarriageRegistration[] {
  const husband = memberAt(family, family.husbandSlot);
  const wife = memberAt(family, family.wifeSlot);
  if (!husband || !wife || !family.marriageDate) return [];
  const serial = String(family.index).padStart(6, '0');
  const base = { partyA: ref(husband), partyB: ref(wife), registryRegionCode: family.region.code };
  const list: MarriageRegistration[] = [
    {
      recordId: `M${family.region.code}${serial}1`,
      kind: '结婚',
      certificateNo: `J${family.region.code}-${family.marriageDate.slice(0, 4)}-${serial}`,
      date: family.marriageDate,
      ...base,
    },
  ];
  if (family.divorceDate) {
    list.push({
      recordId: `M${family.region.code}${serial}2`,
      kind: '离婚',
      certificateNo: `L${family.region.code}-${family.divorceDate.slice(0, 4)}-${serial}`,
      date: family.divorceDate,
      ...base,
    });
  }
  return list;
}

export function marriageRecord(family: Family, member: Member): MarriageRecord | undefined {
  const registrations = marriageRegistrations(family).filter(
    (r) => r.partyA.idNumber === member.idNumber || r.partyB.idNumber === member.idNumber,
  );
  if (registrations.length === 0) return undefined;
  return {
    idNumber: member.idNumber,
    maritalStatus: registrations.some((r) => r.kind === '离婚') ? '离异' : '已婚',
    registrations,
  };
}
