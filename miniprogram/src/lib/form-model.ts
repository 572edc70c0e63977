import type { FieldError } from '../services/errors';
import type { FormDefinition, JsonSchema } from '../services/types';
import { evaluate } from './conditions';

export type FormData = Record<string, unknown>;

export interface FieldState {
  visible: boolean;
  required: boolean;
  readonly: boolean;
}

/** Field states from the schema's `required` and the linkage rules (hidden fields are never required). */
export function fieldStates(
  form: FormDefinition,
  data: FormData,
  profile: FormData = {},
): Record<string, FieldState> {
  const required = new Set(form.schema.required ?? []);
  const facts = { form: data, profile };
  const states: Record<string, FieldState> = {};
  for (const name of Object.keys(form.schema.properties ?? {})) {
    states[name] = { visible: true, required: required.has(name), readonly: false };
  }
  for (const rule of form.linkage ?? []) {
    const s = states[rule.field];
    if (!s) continue;
    if (rule.show && !evaluate(rule.show, facts)) s.visible = false;
    if (rule.require && evaluate(rule.require, facts)) s.required = true;
    if (rule.readonly && evaluate(rule.readonly, facts)) s.readonly = true;
    if (rule.compute) s.readonly = true;
  }
  for (const s of Object.values(states)) if (!s.visible) s.required = false;
  return states;
}

/** Computed fields (`copy`, `cases`): shown read-only, filled as the citizen types. */
export function applyCompute(form: FormDefinition, data: FormData): FormData {
  let out = data;
  for (const rule of form.linkage ?? []) {
    if (!rule.compute) continue;
    let value: unknown;
    if (rule.compute.copy) value = data[rule.compute.copy.replace(/^form\./, '')];
    else value = rule.compute.cases?.find((c) => evaluate(c.when, { form: data }))?.value;
    if (out[rule.field] !== value) out = { ...out, [rule.field]: value };
  }
  return out;
}

/** What is sent: hidden fields and empty values dropped (the schema forbids unknown/empty ones). */
export function submittable(form: FormDefinition, data: FormData): FormData {
  const states = fieldStates(form, data);
  const out: FormData = {};
  for (const [k, v] of Object.entries(data)) {
    if (states[k] && !states[k].visible) continue;
    if (v === undefined || v === '' || v === null) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Maps the gateway's JSON pointers onto form fields: `/formData/babyName` → `babyName`,
 * `/formData/shareholders/0/name` → `shareholders` ("第1行：…"). Messages stay the gateway's zh-CN text.
 */
export function errorsByField(
  errors: FieldError[],
  prefix = '/formData',
): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const e of errors) {
    if (!e.pointer.startsWith(`${prefix}/`)) {
      other.push(e.message);
      continue;
    }
    const parts = e.pointer
      .slice(prefix.length + 1)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const field = parts[0]!;
    const row = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? `第${Number(parts[1]) + 1}行：` : '';
    fields[field] ??= row + e.message;
  }
  return { fields, other };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 check character of an 18-digit resident ID number. */
export function validIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17];
}

const isMasked = (v: string) => v.includes('*');

function checkValue(schema: JsonSchema, widget: string | undefined, value: unknown): string | undefined {
  const title = schema.title ?? '';
  if (typeof value === 'string') {
    if (widget === 'id-number' && !isMasked(value) && !validIdNumber(value.toUpperCase()))
      return `${title}应为有效的18位居民身份证号码`;
    if (widget === 'phone' && !isMasked(value) && !/^1[3-9]\d{9}$/.test(value))
      return `${title}应为11位手机号码`;
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return `${title}至少需要 ${schema.minLength} 个字符`;
    if (schema.maxLength !== undefined && value.length > schema.maxLength && widget !== 'signature')
      return `${title}不能超过 ${schema.maxLength} 个字符`;
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) return `${title}格式不正确`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${title}不能小于 ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${title}不能大于 ${schema.maximum}`;
  }
  if (schema.const !== undefined && value !== schema.const) return `请确认${title}`;
  return undefined;
}

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Quick checks before sending (required, ID check character, phone, lengths); the gateway has the last word. */
export function validate(form: FormDefinition, data: FormData): Record<string, string> {
  const states = fieldStates(form, data);
  const errors: Record<string, string> = {};
  for (const [name, schema] of Object.entries(form.schema.properties ?? {})) {
    const state = states[name];
    if (!state?.visible) continue;
    const value = data[name];
    const title = schema.title ?? name;
    if (empty(value) || (schema.type === 'boolean' && schema.const === true && value !== true)) {
      if (state.required) errors[name] = schema.type === 'boolean' ? `请确认${title}` : `请填写${title}`;
      continue;
    }
    const problem = checkValue(schema, form.ui.fields[name]?.widget, value);
    if (problem) errors[name] = problem;
  }
  return errors;
}
