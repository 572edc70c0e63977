/**
 * The service catalog as data: `services/*.json` (事项 with their guide), `forms/*.json`
 * (JSON Schema + UI hints) and `flows/*.json` (流程定义), validated against `../schemas/` when
 * loaded. A bad file stops the process with a message naming the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigError } from '../index';
import conditionSchema from '../schemas/condition.schema.json' with { type: 'json' };
import flowSchema from '../schemas/flow.schema.json' with { type: 'json' };
import formSchema from '../schemas/form.schema.json' with { type: 'json' };
import serviceSchema from '../schemas/service.schema.json' with { type: 'json' };
import { type FlowDefinition, flowKey } from './flow';
import { checkFlow } from './flow-checks';

export type {
  ApproverNode,
  AssigneeRule,
  AutomaticAction,
  AutomaticNode,
  CcNode,
  ConditionBranch,
  ConditionNode,
  EndNode,
  FlowDefinition,
  FlowNode,
  ParallelBranch,
  ParallelNode,
  TaskAction,
  TimeLimit,
  TimeoutPolicy,
} from './flow';
export { flowKey } from './flow';
export { checkFlow, type FlowNodeEntry, flowNodes, returnTargets } from './flow-checks';

export type Condition = Record<string, unknown>;

export interface MaterialSpec {
  code: string;
  name: string;
  required: boolean;
  copies?: string;
  eLicence?: string;
  note?: string;
}

export interface ServiceDefinition {
  code: string;
  name: string;
  shortName?: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  kind: 'single' | 'bundle';
  includes?: { service: string; name?: string; department: string; optional?: boolean }[];
  departments: { code: string; name: string; lead?: boolean }[];
  applicantKinds: ('person' | 'enterprise')[];
  lifeEvents?: string[];
  tags?: string[];
  channels: string[];
  /** The citizen must have bound a phone number (绑定手机号) before submitting. Default false. */
  requiresPhone?: boolean;
  /** `formId@version` */
  form: string;
  flow?: string;
  rules?: string[];
  /** 结果领取方式 offered (all three when absent): 邮寄送达, 窗口自取, 电子证照. */
  resultDelivery?: ('mail' | 'pickup' | 'elicence')[];
  guide: {
    summary: string;
    conditions: string[];
    materials: MaterialSpec[];
    legalWorkingDays: number;
    promisedWorkingDays: number;
    fee: string;
    handling: {
      online: boolean;
      visitsAtMost?: number;
      counter?: { address: string; hours: string; phone?: string };
      mail?: boolean;
    };
    basis: string[];
    faq?: { q: string; a: string }[];
  };
}

export interface FieldUi {
  widget: string;
  placeholder?: string;
  help?: string;
  prefill?: string;
  options?: { value: unknown; label: string }[];
  material?: string;
  accept?: string[];
  maxSizeKb?: number;
  maxFiles?: number;
  regionLevel?: 'province' | 'city' | 'district';
  columns?: Record<string, FieldUi>;
  unit?: string;
}

export interface LinkageRule {
  field: string;
  show?: Condition;
  require?: Condition;
  readonly?: Condition;
  compute?: { copy?: string; cases?: { when: Condition; value: unknown }[]; default?: unknown };
}

export type FormMigration =
  | { op: 'rename'; from: string; to: string }
  | { op: 'split'; from: string; to: string[]; separator?: string }
  | { op: 'default'; field: string; value: unknown }
  | { op: 'remove'; field: string };

export interface FormDefinition {
  id: string;
  version: number;
  title: string;
  schema: Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  ui: {
    sections: { title: string; description?: string; fields: string[] }[];
    fields: Record<string, FieldUi>;
  };
  linkage?: LinkageRule[];
  migrations?: FormMigration[];
}

/** `id@version` of a form. */
export const formKey = (form: { id: string; version: number }) => `${form.id}@${form.version}`;

export interface Catalog {
  services: ServiceDefinition[];
  forms: Map<string, FormDefinition>;
  /** Keyed by `id@version` ({@link flowKey}). */
  flows: Map<string, FlowDefinition>;
}

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema(conditionSchema, 'condition.schema.json');
const validateService = ajv.compile<ServiceDefinition>(serviceSchema);
const validateForm = ajv.compile<FormDefinition>(formSchema);
const validateFlow = ajv.compile<FlowDefinition>(flowSchema);

function readJsonDir<T>(
  dir: string,
  check: ((v: unknown) => v is T) & { errors?: unknown },
  problems: string[],
): { name: string; value: T }[] {
  const out: { name: string; value: T }[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const file = join(dir, name);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: 不是有效的 JSON (${(error as Error).message})`);
      continue;
    }
    if (!check(value)) {
      // An if/then failure is reported again as "must match then schema": the first report is enough.
      for (const e of (check.errors as { instancePath: string; keyword: string; message?: string }[]) ?? []) {
        if (e.keyword === 'if') continue;
        problems.push(`${file}${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
      }
      continue;
    }
    out.push({ name, value });
  }
  return out;
}

/**
 * Reads and checks a catalog directory: each file against its JSON Schema, then across files
 * (services point at existing forms and flows, UI and linkage name existing fields, a field that
 * linkage can hide is not unconditionally required, flows pass {@link checkFlow} and are named
 * `<id>@<version>.json`). A directory without `flows/` has no flows. Throws ConfigError listing
 * every problem.
 */
export function loadCatalog(dir: string = here): Catalog {
  const problems: string[] = [];
  const services = readJsonDir(join(dir, 'services'), validateService, problems).map((f) => f.value);
  const forms = new Map<string, FormDefinition>();
  for (const { value: form } of readJsonDir(join(dir, 'forms'), validateForm, problems)) {
    forms.set(formKey(form), form);
    problems.push(...checkForm(form));
  }
  const flows = new Map<string, FlowDefinition>();
  const flowDir = join(dir, 'flows');
  for (const { name, value: flow } of existsSync(flowDir)
    ? readJsonDir(flowDir, validateFlow, problems)
    : []) {
    const key = flowKey(flow);
    if (name !== `${key}.json`) problems.push(`flows/${name}: 文件名应为 ${key}.json`);
    if (flows.has(key)) problems.push(`flows/${name}: 流程 ${key} 重复`);
    flows.set(key, flow);
    problems.push(...checkFlow(flow));
  }
  const codes = new Set<string>();
  for (const service of services) {
    if (codes.has(service.code)) problems.push(`services/${service.code}: 事项编码重复`);
    codes.add(service.code);
    if (!forms.has(service.form)) problems.push(`services/${service.code}/form: 表单 ${service.form} 不存在`);
    if (service.flow !== undefined && !flows.has(service.flow)) {
      problems.push(`services/${service.code}/flow: 流程 ${service.flow} 不存在`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { services, forms, flows };
}

/** Cross-field checks a JSON Schema cannot express. */
export function checkForm(form: FormDefinition): string[] {
  const problems: string[] = [];
  const where = `forms/${formKey(form)}`;
  const fields = new Set(Object.keys(form.schema.properties));
  const placed = new Set<string>();
  for (const section of form.ui.sections) {
    for (const field of section.fields) {
      if (!fields.has(field)) problems.push(`${where}/ui/sections: 字段 ${field} 不在 schema.properties 中`);
      if (placed.has(field)) problems.push(`${where}/ui/sections: 字段 ${field} 出现了两次`);
      placed.add(field);
    }
  }
  for (const field of fields) {
    if (!placed.has(field)) problems.push(`${where}/ui/sections: 字段 ${field} 未放入任何分节`);
    if (!form.ui.fields[field]) problems.push(`${where}/ui/fields: 缺少字段 ${field} 的界面设置`);
  }
  for (const field of Object.keys(form.ui.fields)) {
    if (!fields.has(field)) problems.push(`${where}/ui/fields/${field}: 不在 schema.properties 中`);
  }
  for (const [field, ui] of Object.entries(form.ui.fields)) {
    const prop = form.schema.properties[field];
    if (prop) for (const p of widgetProblems(ui, prop)) problems.push(`${where}/ui/fields/${field}: ${p}`);
  }
  const required = new Set(form.schema.required ?? []);
  for (const [i, rule] of (form.linkage ?? []).entries()) {
    if (!fields.has(rule.field)) problems.push(`${where}/linkage/${i}/field: 字段 ${rule.field} 不存在`);
    if (rule.show && required.has(rule.field)) {
      problems.push(
        `${where}/linkage/${i}/show: 字段 ${rule.field} 在 schema.required 中，不能被隐藏（请改用 linkage 的 require）`,
      );
    }
  }
  return problems;
}

/** Problems of one service document (schema only), each as `path: reason`; empty when valid. */
export function checkServiceDocument(value: unknown): string[] {
  if (validateService(value)) return [];
  return (validateService.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

/** Problems of one form document (schema and cross-field checks); empty when valid. */
export function checkFormDocument(value: unknown): string[] {
  if (!validateForm(value))
    return (validateForm.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  return checkForm(value);
}

/** Problems of one flow document (schema, then {@link checkFlow}); empty when valid. */
export function checkFlowDocument(value: unknown): string[] {
  if (!validateFlow(value))
    return (validateFlow.errors ?? [])
      .filter((e) => e.keyword !== 'if')
      .map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  return checkFlow(value);
}

type Prop = Record<string, unknown>;
const typeOf = (p: Prop) => (Array.isArray(p.type) ? (p.type as string[]) : [p.type as string]);
const ID_FORMATS = ['cn-resident-id', 'cn-hmt-residence-permit', 'cn-foreign-permanent-resident-id'];

/**
 * Whether a widget can edit what the schema says the field holds: a 开关 needs a boolean, a 附件 an
 * array of {id}, an 身份证号 a string with an ID format, a 子表 an array of objects whose columns
 * have UI settings. Business staff edit these files by hand; this catches the mismatch at publish.
 */
export function widgetProblems(ui: FieldUi, prop: Prop): string[] {
  const t = typeOf(prop);
  const want = (ok: boolean, what: string) => (ok ? [] : [`控件 ${ui.widget} 要求${what}`]);
  const items = (prop.items ?? {}) as Prop;
  const enumOf = (x: Prop) => (Array.isArray(x.enum) ? (x.enum as unknown[]) : undefined);
  switch (ui.widget) {
    case 'text':
    case 'textarea':
    case 'signature':
      return want(t.includes('string'), ' type 为 string');
    case 'number':
      return want(t.includes('number') || t.includes('integer'), ' type 为 number 或 integer');
    case 'money':
      return want(t.includes('number'), ' type 为 number（金额，建议 multipleOf 0.01）');
    case 'date':
      return want(t.includes('string') && prop.format === 'date', ' string 且 format 为 date');
    case 'date-range': {
      const props = (prop.properties ?? {}) as Record<string, Prop>;
      return want(
        t.includes('object') && props.start?.format === 'date' && props.end?.format === 'date',
        ' object，含 format 为 date 的 start 与 end',
      );
    }
    case 'select':
    case 'radio': {
      const values = enumOf(prop);
      const problems = want(values !== undefined, ' enum 取值');
      for (const o of ui.options ?? [])
        if (values && !values.includes(o.value)) problems.push(`选项 ${String(o.value)} 不在 enum 中`);
      return problems;
    }
    case 'checkbox':
      return want(t.includes('array') && enumOf(items) !== undefined, ' array 且 items 有 enum');
    case 'switch':
      return want(t.includes('boolean'), ' type 为 boolean');
    case 'region':
      return want(
        t.includes('string') && prop.format === 'cn-region-code',
        ' string 且 format 为 cn-region-code',
      );
    case 'phone':
      return want(t.includes('string') && prop.format === 'cn-mobile', ' string 且 format 为 cn-mobile');
    case 'id-number':
      return want(
        t.includes('string') && ID_FORMATS.includes(String(prop.format)),
        ` string 且 format 为 ${ID_FORMATS.join(' / ')}`,
      );
    case 'uscc':
      return want(t.includes('string') && prop.format === 'cn-uscc', ' string 且 format 为 cn-uscc');
    case 'person-picker':
    case 'department-picker':
      return want(
        t.includes('string') || (t.includes('array') && typeOf(items).includes('string')),
        ' string 或 string 数组',
      );
    case 'attachment': {
      const required = (items.required ?? []) as string[];
      return want(
        t.includes('array') && typeOf(items).includes('object') && required.includes('id'),
        ' array，items 为含必填 id 的 object',
      );
    }
    case 'table': {
      const columns = (items.properties ?? {}) as Record<string, Prop>;
      const problems = want(
        t.includes('array') && typeOf(items).includes('object'),
        ' array，items 为 object',
      );
      for (const name of Object.keys(columns))
        if (!ui.columns?.[name]) problems.push(`子表列 ${name} 缺少 columns 界面设置`);
      for (const [name, col] of Object.entries(ui.columns ?? {})) {
        if (!columns[name]) problems.push(`子表列 ${name} 不在 items.properties 中`);
        else for (const p of widgetProblems(col, columns[name]!)) problems.push(`子表列 ${name}: ${p}`);
      }
      return problems;
    }
    default:
      return [`未知控件 ${ui.widget}`];
  }
}
