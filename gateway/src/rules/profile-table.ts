import type { Facts } from '../platform/conditions';

/**
 * How a column's values read as facts; the SQL compiler decides each operator's meaning from it.
 * - `integer`: a JS number · `text`: a string (compared byte for byte, trailing spaces count)
 * - `boolean`: true/false, stored as 0/1 · `date`: `YYYY-MM-DD`, a DATE in MySQL and TEXT in SQLite
 */
export type ColumnKind = 'integer' | 'text' | 'boolean' | 'date';

/** One fact the batch evaluator can read: its dotted path, its column, its kind and its zh-CN name. */
export interface ProfileColumn {
  readonly fact: string;
  readonly column: string;
  readonly kind: ColumnKind;
  readonly label: string;
}

/** The profile table: one row per citizen, keyed by the blind index of the ID number (`id_index`). */
export const PROFILE_TABLE = 'citizen_profile';

/**
 * The layout of {@link PROFILE_TABLE} and the fact path each column answers. Every column but the key
 * and `updated_at` is nullable: NULL means the fact is missing, exactly as an absent fact in-process.
 */
export const PROFILE_COLUMNS: readonly ProfileColumn[] = [
  { fact: 'profile.birthDate', column: 'birth_date', kind: 'date', label: '出生日期' },
  { fact: 'profile.gender', column: 'gender', kind: 'text', label: '性别' },
  { fact: 'profile.householdRegion', column: 'household_region', kind: 'text', label: '户籍所在地' },
  { fact: 'profile.hukouType', column: 'hukou_type', kind: 'text', label: '户口类型' },
  { fact: 'profile.maritalStatus', column: 'marital_status', kind: 'text', label: '婚姻状况' },
  { fact: 'profile.marriageDate', column: 'marriage_date', kind: 'date', label: '结婚登记日期' },
  {
    fact: 'profile.socialInsurance.years',
    column: 'social_insurance_years',
    kind: 'integer',
    label: '社保缴费年限',
  },
  { fact: 'profile.childrenCount', column: 'children_count', kind: 'integer', label: '子女数' },
  { fact: 'profile.annualIncome', column: 'annual_income', kind: 'integer', label: '家庭年收入（元）' },
  { fact: 'profile.employmentStatus', column: 'employment_status', kind: 'text', label: '就业状态' },
  { fact: 'profile.hasProperty', column: 'has_property', kind: 'boolean', label: '名下有住房' },
  { fact: 'profile.deathDate', column: 'death_date', kind: 'date', label: '死亡日期' },
  { fact: 'profile.disabled', column: 'disabled', kind: 'boolean', label: '持有残疾人证' },
];

/** Fact path → column, for the SQL compiler. */
export const PROFILE_FACTS: ReadonlyMap<string, ProfileColumn> = new Map(
  PROFILE_COLUMNS.map((c) => [c.fact, c]),
);

/** A row of {@link PROFILE_TABLE} as read from either driver (booleans may come back as 0/1). */
export type ProfileRow = { id_index: string } & Record<string, unknown>;

/**
 * The facts the in-process evaluator sees for a profile row: `{ profile: { socialInsurance: { years } } }`.
 * NULL columns are left out. Both evaluators are defined over this mapping.
 */
export function profileFacts(row: ProfileRow): Facts {
  const facts: Record<string, unknown> = {};
  for (const { fact, column, kind } of PROFILE_COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    setPath(facts, fact, readValue(kind, value));
  }
  return facts;
}

function readValue(kind: ColumnKind, value: unknown): unknown {
  switch (kind) {
    case 'boolean':
      return value === true || value === 1 || value === '1';
    case 'integer':
      return Number(value);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    case 'text':
      return String(value);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** A row ready to insert: booleans become 0/1 (better-sqlite3 binds no booleans). */
export function toProfileRow(row: ProfileRow): ProfileRow {
  const out: ProfileRow = { ...row };
  for (const { column, kind } of PROFILE_COLUMNS) {
    if (kind === 'boolean' && typeof row[column] === 'boolean') out[column] = row[column] ? 1 : 0;
  }
  return out;
}
