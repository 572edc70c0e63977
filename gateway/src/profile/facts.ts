import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import { PROFILE_COLUMNS } from '../rules/profile-table';

/** A merged fact's value (dates are `YYYY-MM-DD` strings). */
export type FactValue = string | number | boolean;

/** Where a value came from: the source, its record (certificate, registration, 户号) and when it held. */
export interface Lineage {
  source: DeptSourceKey;
  sourceRecordId?: string;
  /** `YYYY-MM-DD`: the record's own date (event, settlement month) or, without one, the pull date. */
  observedAt: string;
}

/** One source's statement of one fact. */
export interface Observation extends Lineage {
  fact: string;
  value: FactValue;
}

/** Facts kept in `profile_values` only (no `citizen_profile` column). */
const EXTRA_FACTS = [
  { fact: 'profile.retirementAge', label: '法定退休年龄' },
  { fact: 'profile.educationStage', label: '学籍阶段' },
] as const;

/** zh-CN label of every fact the merge produces. */
export const FACT_LABELS: ReadonlyMap<string, string> = new Map([
  ...PROFILE_COLUMNS.map((c) => [c.fact, c.label] as const),
  ...EXTRA_FACTS.map((f) => [f.fact, f.label] as const),
]);

/** Which facts each source can state (used to show what a revoked consent left out). */
export const SOURCE_FACTS: Readonly<Record<DeptSourceKey, readonly string[]>> = {
  hukou: ['profile.birthDate', 'profile.gender', 'profile.householdRegion', 'profile.deathDate'],
  health: ['profile.birthDate', 'profile.gender', 'profile.childrenCount', 'profile.deathDate'],
  marriage: ['profile.maritalStatus', 'profile.marriageDate'],
  'social-insurance': ['profile.socialInsurance.years', 'profile.employmentStatus', 'profile.retirementAge'],
  education: ['profile.educationStage'],
  property: ['profile.hasProperty'],
};

/** zh-CN name of each source, as the citizen reads it. */
export const SOURCE_LABELS: Readonly<Record<DeptSourceKey, string>> = {
  hukou: '公安户籍',
  'social-insurance': '人社社保',
  marriage: '民政婚姻登记',
  health: '卫健出生/死亡医学证明',
  education: '教育学籍',
  property: '不动产登记',
};

/** zh-CN name of where a life event was learnt (a source, or the citizen's own cases here). */
export const EVENT_SOURCE_LABELS: Readonly<Record<string, string>> = {
  ...SOURCE_LABELS,
  cases: '本平台办件',
};
