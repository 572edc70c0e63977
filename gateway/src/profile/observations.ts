import type {
  DeptRecordMap,
  DeptSourceKey,
  EducationRecord,
  HealthRecord,
  HouseholdRecord,
  MarriageRecord,
  PropertyRecord,
  SocialInsuranceRecord,
} from '@gcrm/connectors/dept-data';
import type { Observation } from './facts';

/** What one source answered for one person: its record, or null when it holds nothing about them. */
export type PulledRecords = { [S in DeptSourceKey]?: DeptRecordMap[S] | null };

const latest = (dates: (string | null | undefined)[]): string | undefined =>
  dates
    .filter((d): d is string => !!d)
    .sort()
    .at(-1);

/**
 * The facts each source states about `idNumber` (the ID number is only compared, never copied into
 * an observation). `today` dates statements a record does not date itself (e.g. "no 婚姻登记").
 */
export function observationsOf(idNumber: string, pulled: PulledRecords, today: string): Observation[] {
  const out: Observation[] = [];
  if (pulled.hukou) out.push(...fromHukou(pulled.hukou));
  if (pulled.health) out.push(...fromHealth(idNumber, pulled.health));
  if (pulled.marriage !== undefined) out.push(...fromMarriage(pulled.marriage, today));
  if (pulled['social-insurance']) out.push(...fromSocialInsurance(pulled['social-insurance']));
  if (pulled.education) out.push(...fromEducation(pulled.education));
  if (pulled.property !== undefined) out.push(...fromProperty(pulled.property, today));
  return out;
}

function fromHukou(r: HouseholdRecord): Observation[] {
  const at = latest([r.birthDate, ...r.events.map((e) => e.date)])!;
  const base = { source: 'hukou' as const, sourceRecordId: r.householdId, observedAt: at };
  const out: Observation[] = [
    { ...base, fact: 'profile.birthDate', value: r.birthDate },
    { ...base, fact: 'profile.gender', value: r.gender },
    { ...base, fact: 'profile.householdRegion', value: r.regionCode },
  ];
  if (r.deathDate) out.push({ ...base, fact: 'profile.deathDate', value: r.deathDate });
  return out;
}

function fromHealth(idNumber: string, r: HealthRecord): Observation[] {
  const out: Observation[] = [];
  const source = 'health' as const;
  const own = r.birthCertificates.find((c) => c.baby.idNumber === idNumber);
  if (own) {
    const base = { source, sourceRecordId: own.certificateNo, observedAt: own.birthDate };
    out.push({ ...base, fact: 'profile.birthDate', value: own.birthDate });
    out.push({ ...base, fact: 'profile.gender', value: own.baby.gender });
  }
  const asParent = r.birthCertificates.filter(
    (c) => c.mother.idNumber === idNumber || c.father?.idNumber === idNumber,
  );
  if (asParent.length > 0) {
    const children = new Set(asParent.map((c) => c.baby.idNumber)).size;
    const at = latest(asParent.map((c) => c.birthDate))!;
    out.push({ source, observedAt: at, fact: 'profile.childrenCount', value: children });
  }
  const death = r.deathCertificates.find((c) => c.deceased.idNumber === idNumber);
  if (death) {
    out.push({
      source,
      sourceRecordId: death.certificateNo,
      observedAt: death.deathDate,
      fact: 'profile.deathDate',
      value: death.deathDate,
    });
  }
  return out;
}

function fromMarriage(r: MarriageRecord | null, today: string): Observation[] {
  if (!r) return [{ source: 'marriage', observedAt: today, fact: 'profile.maritalStatus', value: '未婚' }];
  const regs = [...r.registrations].sort((a, b) => a.date.localeCompare(b.date));
  const last = regs.at(-1);
  const base = {
    source: 'marriage' as const,
    sourceRecordId: last?.recordId,
    observedAt: last?.date ?? today,
  };
  const out: Observation[] = [{ ...base, fact: 'profile.maritalStatus', value: r.maritalStatus }];
  const wedding = regs.filter((g) => g.kind === '结婚').at(-1);
  if (wedding && r.maritalStatus === '已婚') {
    out.push({
      source: 'marriage',
      sourceRecordId: wedding.recordId,
      observedAt: wedding.date,
      fact: 'profile.marriageDate',
      value: wedding.date,
    });
  }
  return out;
}

function fromSocialInsurance(r: SocialInsuranceRecord): Observation[] {
  const base = { source: 'social-insurance' as const, observedAt: `${r.dataMonth}-01` };
  const pension = r.insurances.find((i) => i.type === '企业职工基本养老保险');
  const years = pension?.years ?? Math.max(0, ...r.insurances.map((i) => i.years));
  const employment = r.status === '退休' ? '退休' : r.status === '参保中' && r.employer ? '在职' : '未就业';
  return [
    { ...base, fact: 'profile.socialInsurance.years', value: years },
    { ...base, fact: 'profile.employmentStatus', value: employment },
    { ...base, fact: 'profile.retirementAge', value: r.retirementAge },
  ];
}

function fromEducation(r: EducationRecord): Observation[] {
  const last = [...r.enrolments].sort((a, b) => a.entryDate.localeCompare(b.entryDate)).at(-1);
  if (!last) return [];
  return [
    {
      source: 'education',
      sourceRecordId: last.schoolCode,
      observedAt: last.graduationDate ?? last.entryDate,
      fact: 'profile.educationStage',
      value: `${last.stageName}${last.status}`,
    },
  ];
}

function fromProperty(r: PropertyRecord | null, today: string): Observation[] {
  const regs = [...(r?.properties ?? [])].sort((a, b) =>
    a.registrationDate.localeCompare(b.registrationDate),
  );
  const last = regs.at(-1);
  return [
    {
      source: 'property',
      sourceRecordId: last?.certificateNo,
      observedAt: last?.registrationDate ?? today,
      fact: 'profile.hasProperty',
      value: regs.length > 0,
    },
  ];
}
