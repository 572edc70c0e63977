import {
  buildIdNumber,
  type DeptSimulator,
  type HealthRecord,
  type Population,
  type PopulationPerson,
} from '@gcrm/connectors/dept-data';
import { addMonths } from './retirement';

/** A fictitious new birth recorded in the sandbox's 卫健 simulator. */
export interface SandboxBirth {
  babyIdNumber: string;
  motherIdNumber: string;
  fatherIdNumber: string | null;
  birthDate: string;
}

/**
 * A working, married woman of 24–38 with a husband in the population, and her husband: the parents the
 * sandbox gives a baby to (see {@link recordSandboxBirth}). The first such couple in index order.
 */
export function findSandboxParents(
  population: Population,
  today: string,
  skip: (idNumber: string) => boolean = () => false,
): { mother: PopulationPerson; father: PopulationPerson } | undefined {
  const youngest = addMonths(today, -12 * 24);
  const oldest = addMonths(today, -12 * 38);
  for (const person of population.persons()) {
    if (person.gender !== '女' || person.deathDate || skip(person.idNumber)) continue;
    if (person.birthDate > youngest || person.birthDate < oldest) continue;
    const family = population.family(person.family);
    if (family.wifeSlot !== person.slot || family.husbandSlot === null || family.divorceDate) continue;
    const father = family.members.find((m) => m.slot === family.husbandSlot);
    if (!father || father.deathDate) continue;
    const si = population.record('social-insurance', person.idNumber);
    const years = Math.max(0, ...(si?.insurances ?? []).map((i) => i.years));
    if (si?.status !== '参保中' || !si.employer || years < 1) continue;
    return { mother: person, father };
  }
  return undefined;
}

/**
 * Records a birth as 卫健 would: a 出生医学证明 on both parents' records and a
 * `birth_certificate_issued` change naming baby, mother and father (what the profile sync turns into the
 * parents' `child_birth` life event). Sandbox only: the simulator's `putRecord`/`emitChange`.
 */
export function recordSandboxBirth(
  health: DeptSimulator<'health'>,
  population: Population,
  parents: { mother: PopulationPerson; father: PopulationPerson | null },
  birthDate: string,
): SandboxBirth {
  const { mother, father } = parents;
  const region = population.record('hukou', mother.idNumber)?.regionCode ?? '110105';
  // Sequence codes 900–995 are the fictitious range; an even one is a girl's.
  let baby = '';
  for (let seq = 994; seq >= 900; seq -= 2) {
    baby = buildIdNumber(region, birthDate, seq);
    if (population.indexOf(baby) === undefined && !health.record(baby)) break;
  }
  const certificate = {
    certificateNo: `Q${birthDate.replaceAll('-', '')}${baby.slice(-5, -1)}`,
    baby: {
      idNumber: baby,
      name: `${father?.name.slice(0, 1) ?? mother.name.slice(0, 1)}小宝`,
      gender: '女' as const,
    },
    mother: { idNumber: mother.idNumber, name: mother.name },
    father: father ? { idNumber: father.idNumber, name: father.name } : null,
    birthDate,
    hospital: '市妇幼保健院',
    regionCode: region,
    weightGrams: 3350,
  };
  for (const parent of [mother, ...(father ? [father] : [])]) {
    const current: HealthRecord = health.record(parent.idNumber) ??
      population.record('health', parent.idNumber) ?? {
        idNumber: parent.idNumber,
        birthCertificates: [],
        deathCertificates: [],
      };
    health.putRecord(parent.idNumber, {
      ...current,
      birthCertificates: [...current.birthCertificates, certificate],
    });
  }
  health.emitChange({
    type: 'birth_certificate_issued',
    idNumbers: [baby, mother.idNumber, ...(father ? [father.idNumber] : [])],
    occurredAt: birthDate,
  });
  return {
    babyIdNumber: baby,
    motherIdNumber: mother.idNumber,
    fatherIdNumber: father?.idNumber ?? null,
    birthDate,
  };
}
