/** The six department data sources. */
export type DeptSourceKey = 'hukou' | 'social-insurance' | 'marriage' | 'health' | 'education' | 'property';

/** What a source is and how its API is laid out (the same layout for every source). */
export interface DeptSourceSpec {
  key: DeptSourceKey;
  /** 部门, as staff read it. */
  department: string;
  /** The data set, as staff read it. */
  title: string;
  /** Last path segment of the person pull: `GET /v1/persons/{idNumber}/{resource}`. */
  resource: string;
  /** Whether `GET /v1/changes` exists (人社 is pulled monthly and has none). */
  changeFeed: boolean;
  /** The change types the feed carries, in no particular order. */
  changeTypes: readonly string[];
}

export const DEPT_SOURCES: Readonly<Record<DeptSourceKey, DeptSourceSpec>> = {
  hukou: {
    key: 'hukou',
    department: '公安局',
    title: '户籍人口信息',
    resource: 'household',
    changeFeed: true,
    changeTypes: ['birth_registered', 'moved_in', 'moved_out', 'death_registered', 'record_updated'],
  },
  'social-insurance': {
    key: 'social-insurance',
    department: '人力资源和社会保障局',
    title: '社会保险参保缴费信息',
    resource: 'social-insurance',
    changeFeed: false,
    changeTypes: [],
  },
  marriage: {
    key: 'marriage',
    department: '民政局',
    title: '婚姻登记信息',
    resource: 'marriages',
    changeFeed: true,
    changeTypes: ['marriage_registered', 'divorce_registered', 'record_updated'],
  },
  health: {
    key: 'health',
    department: '卫生健康委员会',
    title: '出生医学证明与死亡医学证明信息',
    resource: 'health-events',
    changeFeed: true,
    changeTypes: ['birth_certificate_issued', 'death_certified', 'record_updated'],
  },
  education: {
    key: 'education',
    department: '教育局',
    title: '学籍信息',
    resource: 'enrolments',
    changeFeed: true,
    changeTypes: ['enrolled', 'graduated', 'record_updated'],
  },
  property: {
    key: 'property',
    department: '不动产登记中心',
    title: '不动产登记信息',
    resource: 'properties',
    changeFeed: true,
    changeTypes: ['property_registered', 'property_transferred', 'record_updated'],
  },
};

export const DEPT_SOURCE_KEYS = Object.keys(DEPT_SOURCES) as DeptSourceKey[];
