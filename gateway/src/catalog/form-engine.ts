import type { FormDefinition, LinkageRule } from '@gcrm/config/catalog';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { type Condition, evaluate } from '../platform/conditions';
import type { FieldError } from '../platform/errors';
import { maskIdNumber, maskPhone } from '../platform/privacy/mask';
import { toFieldErrors } from '../platform/validation/messages';

export type SensitiveKind = 'id-number' | 'phone';

export interface FieldState {
  visible: boolean;
  required: boolean;
  readonly: boolean;
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * One published form version, ready to use: its compiled schema and its linkage (联动). The server
 * applies the same linkage the mini-program renders with: computed fields take their value, a hidden
 * field's value is dropped, a read-only field keeps only what the form computes, and a field made
 * required by a condition is enforced.
 */
export class FormEngine {
  readonly validateSchema: ValidateFunction;
  readonly sensitiveFields = new Map<string, SensitiveKind>();
  private readonly titles = new Map<string, string>();

  constructor(
    readonly form: FormDefinition,
    ajv: Ajv2020,
  ) {
    this.validateSchema = ajv.compile(form.schema);
    for (const [name, prop] of Object.entries(form.schema.properties)) {
      const kind = prop['x-sensitive'];
      if (kind === 'id-number' || kind === 'phone') this.sensitiveFields.set(name, kind);
      this.titles.set(name, typeof prop.title === 'string' ? prop.title : name);
    }
  }

  get key(): string {
    return `${this.form.id}@${this.form.version}`;
  }

  /** The values with ID and phone numbers masked, as they may leave the gateway. */
  mask(data: Record<string, unknown>): Record<string, unknown> {
    const out = { ...data };
    for (const [field, kind] of this.sensitiveFields) {
      const value = out[field];
      if (typeof value === 'string')
        out[field] = kind === 'id-number' ? maskIdNumber(value) : maskPhone(value);
    }
    return out;
  }

  /**
   * Puts back the full value of a sensitive field that comes in exactly as we sent it out masked
   * (from a draft or a prefill): the full number never has to travel to the client and back.
   */
  unmask(input: Record<string, unknown>, ...known: Record<string, unknown>[]): Record<string, unknown> {
    const out = { ...input };
    for (const field of this.sensitiveFields.keys()) {
      const value = out[field];
      if (typeof value !== 'string' || !value.includes('*')) continue;
      for (const source of known) {
        const full = source[field];
        if (typeof full === 'string' && this.mask({ [field]: full })[field] === value) {
          out[field] = full;
          break;
        }
      }
    }
    return out;
  }

  /** Whether any sensitive field holds a masked value (one with `*`). */
  hasMasked(data: Record<string, unknown>): boolean {
    for (const field of this.sensitiveFields.keys()) {
      const value = data[field];
      if (typeof value === 'string' && value.includes('*')) return true;
    }
    return false;
  }

  /** Values for fields bound to `profile.*`, from the citizen's profile. */
  prefill(profile: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [field, ui] of Object.entries(this.form.ui.fields)) {
      if (!ui.prefill) continue;
      const value = profile[ui.prefill.slice('profile.'.length)];
      if (value !== undefined && value !== null && value !== '') out[field] = value;
    }
    return out;
  }

  /** The profile values a submission teaches us: fields bound to `profile.*` (inverse of prefill). */
  profileValues(data: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [field, ui] of Object.entries(this.form.ui.fields)) {
      if (ui.prefill && data[field] !== undefined && data[field] !== '')
        out[ui.prefill.slice('profile.'.length)] = data[field];
    }
    return out;
  }

  /** What linkage makes of each field for these values (the client renders the same). */
  fieldStates(
    data: Record<string, unknown>,
    facts: Record<string, unknown> = {},
  ): Record<string, FieldState> {
    const all = { ...facts, form: data };
    const required = new Set(this.form.schema.required ?? []);
    const states: Record<string, FieldState> = {};
    for (const name of Object.keys(this.form.schema.properties))
      states[name] = { visible: true, required: required.has(name), readonly: false };
    for (const rule of this.form.linkage ?? []) {
      const state = states[rule.field]!;
      if (rule.show && !test(rule.show, all)) state.visible = false;
      if (rule.require && test(rule.require, all)) state.required = true;
      if (rule.readonly && test(rule.readonly, all)) state.readonly = true;
      if (!state.visible) state.required = false;
    }
    return states;
  }

  /**
   * Applies linkage to submitted values and validates them. Returns the values as they will be
   * stored (computed fields filled, hidden and read-only input dropped) and one error per bad field.
   */
  process(
    input: Record<string, unknown>,
    facts: Record<string, unknown> = {},
    pointerPrefix = '',
  ): { data: Record<string, unknown>; errors: FieldError[] } {
    const data: Record<string, unknown> = { ...input };
    const rules = this.form.linkage ?? [];
    // A read-only field takes no input; a computed one takes its value from the form, in rule order,
    // so that later conditions see it.
    const computed = new Set(rules.filter((r) => r.compute).map((r) => r.field));
    for (const rule of rules) {
      if (rule.readonly && !computed.has(rule.field) && test(rule.readonly, { ...facts, form: data }))
        delete data[rule.field];
    }
    for (const rule of rules) {
      if (!rule.compute) continue;
      const value = compute(rule, { ...facts, form: data });
      if (value === undefined) delete data[rule.field];
      else data[rule.field] = value;
    }
    const states = this.fieldStates(data, facts);
    for (const [name, state] of Object.entries(states)) if (!state.visible) delete data[name];

    const errors: FieldError[] = [];
    if (!this.validateSchema(data))
      errors.push(...toFieldErrors(this.validateSchema.errors ?? [], pointerPrefix));
    for (const [name, state] of Object.entries(states)) {
      if (state.required && isEmpty(data[name])) {
        const pointer = `${pointerPrefix}/${name}`;
        if (!errors.some((e) => e.pointer === pointer)) {
          errors.push({ pointer, code: 'required', message: `缺少必填项：${this.titles.get(name) ?? name}` });
        }
      }
    }
    return { data, errors };
  }
}

function test(condition: unknown, facts: Record<string, unknown>): boolean {
  return evaluate(condition as Condition, facts);
}

function compute(rule: LinkageRule, facts: Record<string, unknown>): unknown {
  const spec = rule.compute!;
  for (const c of spec.cases ?? []) if (test(c.when, facts)) return c.value;
  if (spec.copy) return getPath(facts, spec.copy) ?? spec.default;
  return spec.default;
}

function getPath(facts: Record<string, unknown>, path: string): unknown {
  let cur: unknown = facts;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
