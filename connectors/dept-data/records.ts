// Wire shapes of the six sources' person records (the `data` of a pull answer). Dates are `YYYY-MM-DD`
// (Beijing calendar dates), months `YYYY-MM`. Enumerated values are the sources' zh-CN terms.

export type Gender = '男' | '女';

/** A person as another record refers to them. */
export interface PersonRef {
  idNumber: string;
  name: string;
}

// ---- 公安 户籍 ----

export type HukouEventType = 'birth_registered' | 'moved_in' | 'moved_out' | 'death_registered';

/** One registration event in a person's household history. */
export interface HukouEvent {
  type: HukouEventType;
  /** 出生登记 / 迁入 / 迁出 / 死亡注销 */
  label: string;
  date: string;
  /** For moves: the other side's region code (迁出地 / 迁入地). */
  otherRegionCode?: string;
}

/** `GET /v1/persons/{idNumber}/household` (公安 户籍人口信息). */
export interface HouseholdRecord {
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: string;
  /** 民族, e.g. 汉族 */
  ethnicity: string;
  /** 户籍地行政区划代码 (GB/T 2260, county level). */
  regionCode: string;
  regionName: string;
  address: string;
  /** 户号 */
  householdId: string;
  householdHeadIdNumber: string;
  /** 与户主关系: 户主, 配偶, 子, 女, 父亲, 母亲 */
  relationToHead: string;
  /** 户籍状态: 正常, 死亡注销, 迁出 */
  status: '正常' | '死亡注销' | '迁出';
  deathDate: string | null;
  events: HukouEvent[];
}

// ---- 人社 社会保险 ----

export type InsuranceType =
  | '企业职工基本养老保险'
  | '职工基本医疗保险'
  | '失业保险'
  | '工伤保险'
  | '生育保险';

export interface InsuranceContribution {
  type: InsuranceType;
  /** 累计缴费月数 (gaps excluded). */
  months: number;
  /** Full years, `floor(months / 12)`: what "缴费满15年" is checked against. */
  years: number;
  firstMonth: string;
  /** Last paid month; equals `dataMonth` while contributions are current. */
  lastMonth: string;
}

/** `GET /v1/persons/{idNumber}/social-insurance` (人社 社会保险参保缴费信息). */
export interface SocialInsuranceRecord {
  idNumber: string;
  name: string;
  /** 参保状态 */
  status: '参保中' | '暂停' | '退休';
  /** Current (or last) employer; null once retired. */
  employer: { name: string; uscc: string } | null;
  insurances: InsuranceContribution[];
  /** Legal retirement age applied to this person (60 / 55 / 50). */
  retirementAge: number;
  /** The monthly settlement these figures are as of (the source is refreshed monthly). */
  dataMonth: string;
}

// ---- 民政 婚姻登记 ----

export interface MarriageRegistration {
  recordId: string;
  kind: '结婚' | '离婚';
  /** 结婚证 / 离婚证 字号 */
  certificateNo: string;
  partyA: PersonRef;
  partyB: PersonRef;
  date: string;
  registryRegionCode: string;
}

/** `GET /v1/persons/{idNumber}/marriages` (民政 婚姻登记信息). */
export interface MarriageRecord {
  idNumber: string;
  /** Derived from the registrations: 已婚 or 离异 (unregistered persons are not found). */
  maritalStatus: '已婚' | '离异';
  registrations: MarriageRegistration[];
}

// ---- 卫健 出生/死亡医学证明 ----

export interface BirthCertificate {
  /** 出生医学证明编号 */
  certificateNo: string;
  baby: PersonRef & { gender: Gender };
  mother: PersonRef;
  father: PersonRef | null;
  birthDate: string;
  hospital: string;
  regionCode: string;
  weightGrams: number;
}

export interface DeathCertificate {
  /** 死亡医学证明编号 */
  certificateNo: string;
  deceased: PersonRef;
  deathDate: string;
  /** 死亡地点: 医疗机构, 家中, 其他 */
  place: string;
  institution: string | null;
}

/** `GET /v1/persons/{idNumber}/health-events` (卫健): certificates where the person is baby, parent or deceased. */
export interface HealthRecord {
  idNumber: string;
  birthCertificates: BirthCertificate[];
  deathCertificates: DeathCertificate[];
}

// ---- 教育 学籍 ----

export type SchoolStage = 'primary' | 'middle' | 'high' | 'university';

export interface Enrolment {
  stage: SchoolStage;
  /** 小学, 初中, 高中, 大学 */
  stageName: string;
  schoolName: string;
  schoolCode: string;
  entryDate: string;
  /** Null while still enrolled. */
  graduationDate: string | null;
  status: '在读' | '毕业';
}

/** `GET /v1/persons/{idNumber}/enrolments` (教育 学籍信息). */
export interface EducationRecord {
  idNumber: string;
  name: string;
  enrolments: Enrolment[];
}

// ---- 不动产 ----

export interface PropertyRegistration {
  /** 不动产权证书号, e.g. 京(2019)朝阳区不动产权第0001234号 */
  certificateNo: string;
  /** 不动产单元号 */
  unitNo: string;
  owners: PersonRef[];
  /** 共有方式: 单独所有, 共同共有 */
  ownership: '单独所有' | '共同共有';
  regionCode: string;
  address: string;
  areaM2: number;
  /** 用途 */
  use: '住宅';
  registrationDate: string;
}

/** `GET /v1/persons/{idNumber}/properties` (不动产登记信息): registrations the person is an owner of. */
export interface PropertyRecord {
  idNumber: string;
  properties: PropertyRegistration[];
}

/** Record type of each source. */
export interface DeptRecordMap {
  hukou: HouseholdRecord;
  'social-insurance': SocialInsuranceRecord;
  marriage: MarriageRecord;
  health: HealthRecord;
  education: EducationRecord;
  property: PropertyRecord;
}
