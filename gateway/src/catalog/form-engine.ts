import type { FormDefinition, LinkageRule } from '@gcrm/config/catalog';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { type CompiledCondition, type Condition, compileCondition, getFact } from '../platform/conditions';
import type { FieldError } from '../platform/errors';
import { toFieldErrors } from '../platform/validation/messages';
import {
  collectSensitivePaths,
  mapSensitive,
  maskValue,
  readSensitive,
  type SensitivePath,
  sensitiveKey,
  valueAt,
} from './sensitive-paths';

export type { SensitiveKind } from './sensitive-paths';

export interface FieldState {
  visible: boolean;
  required: boolean;
  readonly: boolean;
}

type Ctx = { now: Date };

interface CompiledRule {
  field: string;
  show?: CompiledCondition;
  require?: CompiledCondition;
  readonly?: CompiledCondition;
  compute?: (facts: Record<string, unknown>, ctx: Ctx) => unknown;
  /** Positions of `show` / `require` in the engine's list of distinct state conditions. */
  showIndex?: number;
  requireIndex?: number;
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
  /** Where the form's personal data lives (`x-sensitive`, at any depth). */
  readonly sensitivePaths: SensitivePath[];
  private readonly titles = new Map<string, string>();
  // Linkage compiled once: a submission evaluates dozens of conditions, and re-reading every tree on
  // each call cost many times the schema validation itself.
  private readonly rules: CompiledRule[];
  private readonly computed: Set<string>;
  private readonly readonlyRules: CompiledRule[];
  private readonly computeRules: CompiledRule[];
  private readonly stateRules: CompiledRule[];
  private readonly stateConditions: CompiledCondition[];
  private readonly template: Record<string, undefined>;

  constructor(
    readonly form: FormDefinition,
    ajv: Ajv2020,
  ) {
    this.validateSchema = ajv.compile(form.schema);
    this.sensitivePaths = collectSensitivePaths(form.schema);
    for (const [name, prop] of Object.entries(form.schema.properties)) {
      this.titles.set(name, typeof prop.title === 'string' ? prop.title : name);
    }
    this.template = Object.fromEntries(Object.keys(form.schema.properties).map((k) => [k, undefined]));
    this.rules = (form.linkage ?? []).map(compileRule, new Map<string, CompiledCondition>());
    this.computed = new Set(this.rules.filter((r) => r.compute).map((r) => r.field));
    this.readonlyRules = this.rules.filter((r) => r.readonly && !this.computed.has(r.field));
    this.computeRules = this.rules.filter((r) => r.compute);
    this.stateRules = this.rules.filter((r) => r.show || r.require);
    this.stateConditions = [];
    const index = (fn: CompiledCondition) => {
      const at = this.stateConditions.indexOf(fn);
      return at >= 0 ? at : this.stateConditions.push(fn) - 1;
    };
    for (const rule of this.stateRules) {
      if (rule.show) rule.showIndex = index(rule.show);
      if (rule.require) rule.requireIndex = index(rule.require);
    }
  }

  get key(): string {
    return `${this.form.id}@${this.form.version}`;
  }

  /** The values with ID and phone numbers and addresses masked, as they may leave the gateway. */
  mask(data: Record<string, unknown>): Record<string, unknown> {
    return mapSensitive(data, this.sensitivePaths, (value, kind) => maskValue(kind, value));
  }

  /** Whether the form has personal data at this key (`idNumber`, `shareholders.0.idNumber`). */
  isSensitiveKey(key: string): boolean {
    const segments = key.split('.');
    return this.sensitivePaths.some(
      (p) =>
        p.segments.length === segments.length &&
        p.segments.every((s, i) => s === segments[i] || (s === '*' && /^\d+$/.test(segments[i] as string))),
    );
  }

  /** Every filled sensitive value, with its key. */
  sensitiveValues(data: Record<string, unknown>) {
    return readSensitive(data, this.sensitivePaths)
      .filter((v) => v.value !== '')
      .map((v) => ({ key: sensitiveKey(v.location), kind: v.kind, value: v.value, location: v.location }));
  }

  /** Material ids in the attachment fields of these values, each with the JSON pointer of its entry. */
  attachments(data: Record<string, unknown>, pointerPrefix = ''): { ids: string[]; pointers: string[] } {
    const ids: string[] = [];
    const pointers: string[] = [];
    for (const [field, ui] of Object.entries(this.form.ui.fields)) {
      if (ui.widget !== 'attachment') continue;
      const value = data[field];
      if (!Array.isArray(value)) continue;
      value.forEach((item, i) => {
        const id = (item as { id?: unknown } | null)?.id;
        if (typeof id === 'string') {
          ids.push(id);
          pointers.push(`${pointerPrefix}/${field}/${i}/id`);
        }
      });
    }
    return { ids, pointers };
  }

  /** The zh-CN title of a field (`idNumber`, or `shareholders.0.idNumber` inside a list); undefined when the form has no such field. */
  titleOf(key: string): string | undefined {
    const segments = key.split('.');
    if (segments.length === 1) return this.titles.get(key);
    type Node = { title?: unknown; properties?: Record<string, Node>; items?: Node };
    let node: Node | undefined = this.form.schema as Node;
    const names: string[] = [];
    for (const segment of segments) {
      node = /^\d+$/.test(segment) && node?.items ? node.items : node?.properties?.[segment];
      if (!node) return undefined;
      if (typeof node.title === 'string' && !/^\d+$/.test(segment)) names.push(node.title);
    }
    return names.join(' / ');
  }

  /** Whether any sensitive field holds a masked value (one with `*`). */
  hasMasked(data: Record<string, unknown>): boolean {
    return readSensitive(data, this.sensitivePaths).some((v) => v.value.includes('*'));
  }

  /**
   * Puts back the full value of a sensitive field that comes in exactly as we sent it out masked
   * (from a draft or a prefill): the full number never has to travel to the client and back.
   */
  unmask(input: Record<string, unknown>, ...known: Record<string, unknown>[]): Record<string, unknown> {
    return mapSensitive(input, this.sensitivePaths, (value, kind, location) => {
      if (!value.includes('*')) return undefined;
      for (const source of known) {
        const full = valueAt(source, location);
        if (full !== undefined && maskValue(kind, full) === value) return full;
      }
      return undefined;
    });
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
    const ctx = { now: new Date() };
    const required = new Set(this.form.schema.required ?? []);
    const states: Record<string, FieldState> = {};
    for (const name of Object.keys(this.form.schema.properties)) {
      states[name] = { visible: true, required: required.has(name), readonly: false };
    }
    for (const rule of this.rules) {
      const state = states[rule.field]!;
      if (rule.show && !rule.show(all, ctx)) state.visible = false;
      if (rule.require?.(all, ctx)) state.required = true;
      if (rule.readonly?.(all, ctx)) state.readonly = true;
    }
    for (const state of Object.values(states)) if (!state.visible) state.required = false;
    return states;
  }

  /**
   * Applies linkage to submitted values and validates them. Returns the values as they will be
   * stored (computed fields filled, hidden and read-only input dropped) and one error per bad field.
   * A property whose value is `undefined` is absent (serialise with JSON, which leaves it out). When
   * linkage has nothing to change, `data` is the input object itself.
   */
  process(
    input: Record<string, unknown>,
    facts: Record<string, unknown> = {},
    pointerPrefix = '',
  ): { data: Record<string, unknown>; errors: FieldError[] } {
    const ctx = { now: new Date() };
    // Fast path: a client that applied the same linkage (our mini-program does) sends computed values
    // as computed and no read-only input; then the input is validated as it is, with no copy.
    let data = input;
    let all = { ...facts, form: data };
    let settled = true;
    for (const rule of this.readonlyRules) {
      if (input[rule.field] !== undefined && rule.readonly!(all, ctx)) {
        settled = false;
        break;
      }
    }
    if (settled) {
      for (const rule of this.computeRules) {
        if (!sameValue(rule.compute!(all, ctx), input[rule.field])) {
          settled = false;
          break;
        }
      }
    }
    if (!settled) {
      // Removed fields are set to undefined rather than deleted (`delete` makes a slow dictionary
      // object); Ajv treats an undefined property as absent, and JSON leaves it out. The copy spreads
      // over a template holding every form property, because adding properties the input lacked to a
      // plain copy made V8 rebuild the object's map on every call (10–50 µs per submission).
      data = { ...this.template, ...input };
      all = { ...facts, form: data }; // `data` changes in place, so later conditions see computed values
      // A read-only field takes no input; a computed one takes its value from the form, in rule order.
      for (const rule of this.readonlyRules) if (rule.readonly!(all, ctx)) data[rule.field] = undefined;
      for (const rule of this.computeRules) data[rule.field] = rule.compute!(all, ctx);
    }
    // After the computes nothing changes the facts: each distinct condition is evaluated once, and no
    // closure is made per call (the build wraps every closure in a naming helper, which showed up).
    const results = new Array<boolean>(this.stateConditions.length);
    for (let i = 0; i < results.length; i++) results[i] = this.stateConditions[i]!(all, ctx);
    const hidden = new Set<string>();
    const required: string[] = [];
    for (const rule of this.stateRules) {
      if (rule.showIndex !== undefined && !results[rule.showIndex]) hidden.add(rule.field);
      if (rule.requireIndex !== undefined && results[rule.requireIndex]) required.push(rule.field);
    }
    for (const name of hidden) {
      if (data[name] === undefined) continue;
      if (data === input) data = { ...this.template, ...input };
      data[name] = undefined;
    }

    const errors: FieldError[] = this.validateSchema(data)
      ? []
      : toFieldErrors(this.validateSchema.errors ?? [], pointerPrefix);
    for (const name of required) {
      if (hidden.has(name) || !isEmpty(data[name])) continue;
      const pointer = `${pointerPrefix}/${name}`;
      if (!errors.some((e) => e.pointer === pointer)) {
        errors.push({ pointer, code: 'required', message: `缺少必填项：${this.titles.get(name) ?? name}` });
      }
    }
    return { data, errors };
  }
}

/** Equal as JSON values (computed values are usually strings or numbers). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compileRule(this: Map<string, CompiledCondition>, rule: LinkageRule): CompiledRule {
  // Identical conditions (a field's `show` and `require` usually are) share one compiled function.
  const c = (condition: unknown) => {
    if (!condition) return undefined;
    const key = JSON.stringify(condition);
    let fn = this.get(key);
    if (!fn) {
      fn = compileCondition(condition as Condition);
      this.set(key, fn);
    }
    return fn;
  };
  const out: CompiledRule = {
    field: rule.field,
    show: c(rule.show),
    require: c(rule.require),
    readonly: c(rule.readonly),
  };
  if (rule.compute) {
    const spec = rule.compute;
    const cases = (spec.cases ?? []).map((x) => ({
      when: compileCondition(x.when as Condition),
      value: x.value,
    }));
    out.compute = (facts, ctx) => {
      for (const x of cases) if (x.when(facts, ctx)) return x.value;
      if (spec.copy) return getFact(facts, spec.copy) ?? spec.default;
      return spec.default;
    };
  }
  return out;
}
