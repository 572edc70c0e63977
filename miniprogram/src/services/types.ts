/** The parts of the gateway's answers the app reads (see GET /api/v1/openapi.json). */
export interface Department {
  code: string;
  name: string;
  lead?: boolean;
}

export interface ServiceSummary {
  code: string;
  name: string;
  shortName?: string;
  kind: 'service' | 'bundle' | string;
  departments: Department[];
  lifeEvents: string[];
  tags?: string[];
  promisedWorkingDays?: number;
  online?: boolean;
}

export interface Material {
  code: string;
  name: string;
  required: boolean;
  copies?: string;
  note?: string;
  eLicence?: string;
}

export interface Guide {
  summary?: string;
  conditions?: string[];
  materials?: Material[];
  legalWorkingDays?: number;
  promisedWorkingDays?: number;
  fee?: string;
  handling?: { online?: boolean; visitsAtMost?: number; counter?: { address?: string; hours?: string } };
  [k: string]: unknown;
}

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  [k: string]: unknown;
}

export interface Option {
  value: string;
  label: string;
}

export interface WidgetUi {
  widget: string;
  placeholder?: string;
  help?: string;
  unit?: string;
  options?: Option[];
  prefill?: string;
  regionLevel?: 'province' | 'city' | 'district';
  material?: string;
  accept?: string[];
  maxSizeKb?: number;
  maxFiles?: number;
  columns?: Record<string, WidgetUi>;
}

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { fact: string; operator: string; value?: unknown };

export interface LinkageRule {
  field: string;
  show?: Condition;
  require?: Condition;
  readonly?: Condition;
  compute?: { copy?: string; cases?: { when: Condition; value: unknown }[] };
}

export interface FormDefinition {
  id: string;
  version: number;
  title: string;
  schema: JsonSchema;
  ui: {
    sections: { title: string; description?: string; fields: string[] }[];
    fields: Record<string, WidgetUi>;
  };
  linkage?: LinkageRule[];
}

export interface ServiceDetail extends ServiceSummary {
  guide: Guide;
  /** A bound phone number is needed before submitting. */
  requiresPhone?: boolean;
  form?: FormDefinition;
  includes?: { code: string; name: string }[];
}

export interface TimelineEntry {
  type: string;
  label: string;
  status?: string;
  statusLabel?: string;
  note?: string | null;
  at: string;
}

export interface CaseSummary {
  id: string;
  caseNumber: string;
  service: { code: string; name: string };
  status: string;
  statusLabel: string;
  submittedAt: string;
  updatedAt: string;
}

export interface CaseDetail extends CaseSummary {
  form?: { id: string; version: number };
  department?: string;
  formData?: Record<string, unknown>;
  timeline: TimelineEntry[];
  /** How the citizen gets the result (结果领取方式); null until chosen. */
  delivery?: DeliveryView | null;
  deliveryOptions?: DeliveryOption[];
  deliveryEditable?: boolean;
  /** 好差评 given for this case, and whether one may be given now. */
  rating?: RatingView | null;
  ratable?: boolean;
}

export type DeliveryMethod = 'mail' | 'pickup' | 'elicence';

export interface PickupSite {
  id: string;
  name: string;
  address: string;
  hours: string;
}

export interface DeliveryOption {
  method: DeliveryMethod;
  label: string;
  sites?: PickupSite[];
}

export interface DeliveryView {
  method: DeliveryMethod;
  methodLabel: string;
  address?: { recipient: string; phoneMasked: string; region: string; regionName?: string; detail: string };
  site?: PickupSite;
  chosenAt: string | number;
}

export type DeliveryChoice =
  | { method: 'mail'; address: { recipient: string; phone: string; region: string; detail: string } }
  | { method: 'pickup'; siteId: string }
  | { method: 'elicence' };

export interface RatingView {
  score: number;
  label: string;
  tags: string[];
  comment?: string | null;
  ratedAt: string | number;
}

/** GET /me: the signed-in citizen (never the full phone number). */
export interface Me {
  id: string;
  phoneBound: boolean;
  phoneMasked: string | null;
  phoneVerifiedAt?: number | string | null;
}

export interface CaseProgress {
  status: string;
  dueAt?: string | null;
  correction: null | { fields?: string[]; comment?: string | null; [k: string]: unknown };
  canWithdraw: boolean;
  current: { nodeId: string; name: string; department?: Department; status: string; dueAt?: string | null }[];
}

export interface Draft {
  serviceCode: string;
  form: { id: string; version: number };
  migratedFrom?: number | null;
  formData: Record<string, unknown>;
  updatedAt: string;
}

export interface UploadedMaterial {
  id: string;
  name: string;
  kind: string;
  sizeBytes: number;
}

export interface StaffMe {
  id: string;
  name: string;
  departments: { code: string; name: string; roles: string[] }[];
  counts: { todo: number; ccUnread: number };
}

export interface TaskSummary {
  id: string;
  kind: 'approval' | 'cc';
  status: string;
  statusLabel: string;
  caseId: string;
  caseNumber: string;
  service: { code: string; name: string };
  node: { id: string; name: string };
  department: Department;
  dueAt: string | null;
  overdue: boolean;
  createdAt: string;
  candidates?: { id: string; name: string }[];
}

export interface HistoryEntry {
  id: string;
  action: string;
  label: string;
  actor: { type: string; name: string };
  comment: string | null;
  at: string;
}

export type TaskAction =
  | 'claim'
  | 'approve'
  | 'reject'
  | 'return'
  | 'transfer'
  | 'add-approver'
  | 'cc'
  | 'comment'
  | 'read'
  | 'reassign';

/** A material attached to a case, as staff see it (the file itself is fetched on demand). */
export interface CaseMaterial {
  id: string;
  name: string;
  mime: string;
  size: number;
  materialCode?: string | null;
  materialName?: string | null;
}

export interface TaskDetail {
  task: TaskSummary;
  node: { id: string; name: string; type: string };
  caseStatus: string;
  case: CaseDetail & { formDefinition?: Omit<FormDefinition, 'id' | 'version'>; materials?: CaseMaterial[] };
  history: HistoryEntry[];
  actions: TaskAction[];
  returnTargets: { nodeId: string; name: string }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** GET /staff/dashboard: the staff member's department (data scope) over the last `days` days. */
export interface Dashboard {
  scope: { departmentCode: string; departmentName: string };
  days: number;
  generatedAt: string | number;
  counts: {
    inProgress: number;
    dueSoon: number;
    overdue: number;
    acceptedInPeriod: number;
    completedInPeriod: number;
  };
  onTimeRate: number | null;
  satisfaction: {
    ratings: number;
    goodRate: number | null;
    average: number | null;
    distribution: Record<string, number>;
  };
  trend: { date: string; accepted: number; completed: number }[];
  byService: { serviceCode: string; serviceName: string; inProgress: number; overdue: number }[];
}
