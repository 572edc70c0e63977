import type { BirthCertificate, DeathCertificate, HealthRecord } from '../../records';
import type { PopulationContext } from '../context';
import { type Family, type Member, memberAt } from '../family';
import { draws, hash32 } from '../random';

/** 出生医学证明 exist from this year on. */
const FIRST_CERTIFICATE_YEAR = 1996;

/** 卫健: birth certificates of the family's children (parents are in the population). */
export function birthCertificates(ctx: PopulationContext, family: Family): BirthCertificate[] {
  const mother = memberAt(family, family.wifeSlot);
  const father = memberAt(family, family.husbandSlot);
  if (!mother) return [];
  return family.members
    .filter((m) => m.role === 'child' && Number(m.birthDate.slice(0, 4)) >= FIRST_CERTIFICATE_YEAR)
    .map((child) => {
      const d = draws(hash32(ctx.seed, child.index, 0xb1));
      const year = Number(child.birthDate.slice(0, 4));
      return {
        certificateNo: `${String.fromCharCode(65 + ((year - FIRST_CERTIFICATE_YEAR) % 26))}${family.region.code.slice(0, 2)}${String(family.index).padStart(6, '0')}${child.slot}`,
        baby: { idNumber: child.idNumber, name: child.name, gender: child.gender },
        mother: { idNumber: mother.idNumber, name: mother.name },
        father: father ? { idNumber: father.idNumber, name: father.name } : null,
        birthDate: child.birthDate,
        hospital: `${family.region.district}${d.chance(0.5) ? '妇幼保健院' : '人民医院'}`,
        regionCode: family.region.code,
        weightGrams: d.int(2500, 4200),
      };
    });
}

/** 卫健: death certificates of the family's deceased members. */
export function deathCertificates(ctx: PopulationContext, family: Family): DeathCertificate[] {
  return family.members
    .filter((m) => m.deathDate !== null)
    .map((m) => {
      const atHospital = draws(hash32(ctx.seed, m.index, 0xd1)).chance(0.7);
      return {
        certificateNo: `D${family.region.code}${String(family.index).padStart(6, '0')}${m.slot}`,
        deceased: { idNumber: m.idNumber, name: m.name },
        deathDate: m.deathDate as string,
        place: atHospital ? '医疗机构' : '家中',
        institution: atHospital ? `${family.region.district}人民医院` : null,
      };
    });
}

export function healthRecord(
  ctx: PopulationContext,
  family: Family,
  member: Member,
): HealthRecord | undefined {
  const id = member.idNumber;
  const births = birthCertificates(ctx, family).filter(
    (c) => c.baby.idNumber === id || c.mother.idNumber === id || c.father?.idNumber === id,
  );
  const deaths = deathCertificates(ctx, family).filter((c) => c.deceased.idNumber === id);
  if (births.length === 0 && deaths.length === 0) return undefined;
  return { idNumber: id, birthCertificates: births, deathCertificates: deaths };
}
