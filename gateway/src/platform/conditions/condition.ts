import type { ValidateFunction } from 'ajv';
import conditionSchema from '../../../../config/schemas/condition.schema.json' with { type: 'json' };
import { createAjv } from '../validation/ajv';
import { parseDateValue } from './dates';
import { type OperatorSpec, operators } from './operators';
import { checkPattern } from './safe-regex';

/** The operator names, in the order of condition.schema.json. */
export const OPERATOR_NAMES = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'contains',
  'exists',
  'matches',
  'dateBefore',
  'dateAfter',
  'ageAtLeast',
  'ageBelow',
] as const;

export type Operator = (typeof OPERATOR_NAMES)[number];

/** An operand that names another fact: `{ "fact": "profile.birthDate" }` compares with that fact's value. */
export interface FactRef {
  fact: string;
}

/**
 * A leaf: the fact at the dotted path `fact` compared by `operator` with `value`.
 * `value` may be a {@link FactRef}; for `exists` it defaults to `true`.
 */
export interface TestCondition {
  fact: string;
  operator: Operator;
  value?: unknown;
}

/**
 * One condition language for rules, form linkage, flow branches, dispatch and alerts
 * (schema: config/schemas/condition.schema.json).
 *
 * @example
 * const adultMarried: Condition = {
 *   all: [
 *     { fact: 'form.maritalStatus', operator: 'equal', value: 'married' },
 *     { not: { fact: 'profile.idNumber', operator: 'ageBelow', value: 18 } },
 *   ],
 * };
 */
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | TestCondition;

/** The subject's data; conditions address it by dotted paths (`form.children.0.name`). */
export type Facts = Readonly<Record<string, unknown>>;

/** Deeper trees are refused by {@link validateCondition} and evaluate to false. */
export const MAX_DEPTH = 32;

/** A located problem, shaped like the HTTP layer's FieldError (`pointer` is a JSON Pointer into the condition). */
export interface ConditionError {
  pointer: string;
  code: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: ConditionError[] };

let schemaValidator: ValidateFunction | undefined;

function schemaValid(json: unknown): boolean {
  schemaValidator ??= createAjv().compile(conditionSchema);
  return schemaValidator(json) === true;
}

/**
 * Checks a condition before it is stored or loaded: the JSON Schema (Ajv decides), plus what a schema cannot
 * say — depth at most {@link MAX_DEPTH}, an operand of the right kind for its operator, a safe regex.
 * Messages are zh-CN and each error points at the offending node.
 *
 * @example
 * validateCondition({ all: [{ fact: 'form.age', operator: 'greaterThan', value: '18' }] });
 * // → { ok: false, errors: [{ pointer: '/all/0/value', code: 'operand', message: '比较值应为数字' }] }
 */
export function validateCondition(json: unknown): ValidationResult {
  const errors: ConditionError[] = [];
  walk(json, '', 1, errors);
  // The walk mirrors the schema and stops at MAX_DEPTH, so Ajv only confirms trees of bounded depth; this
  // error only appears if the schema and the walk drift apart.
  if (errors.length === 0 && !schemaValid(json)) {
    errors.push({ pointer: '/', code: 'schema', message: '条件不符合 condition.schema.json' });
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

/** True when `json` is a valid condition (see {@link validateCondition}). */
export function isCondition(json: unknown): json is Condition {
  return validateCondition(json).ok;
}

/** True for an operand of the form `{ "fact": "a.b" }`. */
export function isFactRef(value: unknown): value is FactRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { fact?: unknown }).fact === 'string'
  );
}

/** A value quoted in a message; never throws (String() does on an object without a prototype). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(JSON.stringify(value)).slice(0, 50);
  } catch {
    return typeof value;
  }
}

export function isOperator(name: unknown): name is Operator {
  return typeof name === 'string' && (OPERATOR_NAMES as readonly string[]).includes(name);
}

const FACT_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const BRANCH_KEYS = ['all', 'any', 'not'] as const;
const TEST_KEYS = new Set(['fact', 'operator', 'value']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(node: unknown, at: string, depth: number, errors: ConditionError[]): void {
  const ptr = at || '/';
  if (depth > MAX_DEPTH) {
    errors.push({ pointer: ptr, code: 'depth', message: `条件嵌套不能超过 ${MAX_DEPTH} 层` });
    return;
  }
  if (!isPlainObject(node)) {
    errors.push({ pointer: ptr, code: 'type', message: '条件应为对象' });
    return;
  }
  const keys = Object.keys(node);
  const branches = BRANCH_KEYS.filter((k) => k in node);
  if (branches.length > 1 || (branches.length === 1 && keys.length > 1)) {
    errors.push({
      pointer: ptr,
      code: 'shape',
      message: '条件只能是 all、any、not 之一，或 fact/operator/value 判断，不能混用',
    });
    return;
  }
  const branch = branches[0];
  if (branch === 'not') {
    walk(node.not, `${at}/not`, depth + 1, errors);
    return;
  }
  if (branch !== undefined) {
    const items = node[branch];
    if (!Array.isArray(items)) {
      errors.push({ pointer: `${at}/${branch}`, code: 'type', message: `${branch} 应为条件数组` });
    } else if (items.length < 1 || items.length > 100) {
      errors.push({ pointer: `${at}/${branch}`, code: 'items', message: `${branch} 应包含 1 到 100 个条件` });
    } else {
      items.forEach((child, i) => {
        walk(child, `${at}/${branch}/${i}`, depth + 1, errors);
      });
    }
    return;
  }
  walkTest(node, at, errors);
}

function walkTest(node: Record<string, unknown>, at: string, errors: ConditionError[]): void {
  const before = errors.length;
  for (const key of Object.keys(node)) {
    if (!TEST_KEYS.has(key)) {
      errors.push({
        pointer: `${at}/${escapePointer(key)}`,
        code: 'unknown_field',
        message: `不允许的字段：${key}`,
      });
    }
  }
  const { fact, operator } = node;
  if (fact === undefined) {
    errors.push({ pointer: `${at}/fact`, code: 'required', message: '缺少必填项：fact（事实路径）' });
  } else if (typeof fact !== 'string' || fact.length > 200 || !FACT_PATH.test(fact)) {
    errors.push({ pointer: `${at}/fact`, code: 'pattern', message: '事实路径格式不正确，应形如 form.age' });
  }
  if (operator === undefined) {
    errors.push({ pointer: `${at}/operator`, code: 'required', message: '缺少必填项：operator（运算符）' });
  } else if (!isOperator(operator)) {
    errors.push({
      pointer: `${at}/operator`,
      code: 'enum',
      message: `不支持的运算符：${describeValue(operator)}`,
    });
  }
  if (errors.length > before || !isOperator(operator)) return;
  const message = operandProblem(operators[operator], node.value, 'value' in node);
  if (message !== undefined) errors.push({ pointer: `${at}/value`, code: 'operand', message });
}

function operandProblem(spec: OperatorSpec, value: unknown, present: boolean): string | undefined {
  const kind = spec.operand;
  if (kind === 'flag') {
    return !present || typeof value === 'boolean' ? undefined : 'exists 的比较值应为 true 或 false';
  }
  if (!present) return '缺少比较值 value';
  if (isFactRef(value)) {
    if (!spec.acceptsFactRef) return '该运算符的比较值必须直接写在条件中，不能引用事实';
    return FACT_PATH.test(value.fact) && value.fact.length <= 200
      ? undefined
      : '引用的事实路径格式不正确，应形如 form.age';
  }
  switch (kind) {
    case 'any':
      return undefined;
    case 'list':
      return Array.isArray(value) ? undefined : '比较值应为数组';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : '比较值应为数字';
    case 'years':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0
        ? undefined
        : '年龄应为不小于 0 的数字';
    case 'date':
      return typeof value === 'string' && (value === 'today' || parseDateValue(value) !== undefined)
        ? undefined
        : '比较值应为日期（YYYY-MM-DD）、日期时间或 "today"';
    case 'pattern':
      return typeof value === 'string' ? checkPattern(value) : '正则表达式应为字符串';
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
