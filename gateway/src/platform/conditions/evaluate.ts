import { type Condition, type Facts, isFactRef, MAX_DEPTH, type Operator } from './condition';
import { type OperatorContext, operators } from './operators';
import { shapeOf } from './shape';

export interface EvaluateOptions {
  /** The instant for `"today"` and ages (read in Asia/Shanghai). Defaults to the current time. */
  now?: Date;
}

/**
 * A condition tree annotated with each node's result, in the condition's own shape, for showing staff why
 * a rule fired. A test node also carries the fact's value (`actual`) and, when `value` named another fact,
 * that fact's value (`operand`): mask them before showing personal data. A malformed node carries `error`.
 */
export type Explanation =
  | { all: Explanation[]; result: boolean }
  | { any: Explanation[]; result: boolean }
  | { not: Explanation; result: boolean }
  | { fact: string; operator: Operator; value?: unknown; actual: unknown; operand?: unknown; result: boolean }
  | { error: string; result: false };

/** Path segments a fact path never enters, so that no path reaches Object.prototype. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The value at a dotted path (`form.children.0.name`), or undefined. Only own properties are followed and
 * `__proto__`/`constructor`/`prototype` are never entered, so a path cannot reach Object.prototype.
 *
 * @example
 * getFact({ form: { children: [{ name: '小明' }] } }, 'form.children.0.name'); // → '小明'
 * getFact({}, '__proto__.toString'); // → undefined
 */
export function getFact(facts: unknown, path: string): unknown {
  let current: unknown = facts;
  for (const key of path.split('.')) {
    if (FORBIDDEN_SEGMENTS.has(key) || typeof current !== 'object' || current === null) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

// A malformed node (or one deeper than MAX_DEPTH) makes the whole evaluation false rather than false
// locally, since `not` would turn a local false into true. all/any fold their children in order, so the
// first decisive or malformed child wins, in evaluate (which stops there) and explain (which does not) alike.
const INVALID = Symbol('invalid');
type Outcome = boolean | typeof INVALID;

function foldAll(outcomes: Iterable<Outcome>): Outcome {
  for (const o of outcomes) if (o !== true) return o;
  return true;
}

function foldAny(outcomes: Iterable<Outcome>): Outcome {
  for (const o of outcomes) if (o !== false) return o;
  return false;
}

function negate(o: Outcome): Outcome {
  return o === INVALID ? INVALID : !o;
}

function resolveOperand(operator: Operator, value: unknown, facts: Facts): unknown {
  return operators[operator].acceptsFactRef && isFactRef(value) ? getFact(facts, value.fact) : value;
}

function* lazily(items: unknown[], facts: Facts, ctx: OperatorContext, depth: number): Iterable<Outcome> {
  for (const item of items) yield run(item, facts, ctx, depth);
}

function run(node: unknown, facts: Facts, ctx: OperatorContext, depth: number): Outcome {
  if (depth > MAX_DEPTH) return INVALID;
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all':
      return foldAll(lazily(shape.items, facts, ctx, depth + 1));
    case 'any':
      return foldAny(lazily(shape.items, facts, ctx, depth + 1));
    case 'not':
      return negate(run(shape.item, facts, ctx, depth + 1));
    case 'test': {
      const operand = resolveOperand(shape.operator, shape.value, facts);
      return operators[shape.operator].test(getFact(facts, shape.fact), operand, ctx);
    }
    case 'invalid':
      return INVALID;
  }
}

/**
 * Whether `facts` satisfy `condition`. Never throws: a malformed condition, a tree deeper than
 * {@link MAX_DEPTH}, or facts that are not plain data evaluate to false. Validate conditions when they are
 * saved ({@link validateCondition}) so that this never has to.
 *
 * @example
 * evaluate(
 *   { all: [{ fact: 'form.maritalStatus', operator: 'equal', value: 'married' },
 *           { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 18 }] },
 *   { form: { maritalStatus: 'married' }, profile: { birthDate: '1949-12-31' } },
 *   { now: new Date('2024-06-01T00:00:00+08:00') },
 * ); // → true
 */
export function evaluate(condition: Condition, facts: Facts, options: EvaluateOptions = {}): boolean {
  try {
    return run(condition, facts, { now: options.now ?? new Date() }, 1) === true;
  } catch {
    // Only reachable with facts that are not JSON (a throwing getter, a hostile Proxy).
    return false;
  }
}

function explainNode(
  node: unknown,
  facts: Facts,
  ctx: OperatorContext,
  depth: number,
): [Explanation, Outcome] {
  if (depth > MAX_DEPTH) return [{ error: `条件嵌套超过 ${MAX_DEPTH} 层`, result: false }, INVALID];
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all':
    case 'any': {
      const children = shape.items.map((item) => explainNode(item, facts, ctx, depth + 1));
      const outcome = (shape.kind === 'all' ? foldAll : foldAny)(children.map(([, o]) => o));
      const result = outcome === true;
      const explained = children.map(([e]) => e);
      return [shape.kind === 'all' ? { all: explained, result } : { any: explained, result }, outcome];
    }
    case 'not': {
      const [child, inner] = explainNode(shape.item, facts, ctx, depth + 1);
      const outcome = negate(inner);
      return [{ not: child, result: outcome === true }, outcome];
    }
    case 'test': {
      const { fact, operator, value } = shape;
      const actual = getFact(facts, fact);
      const operand = resolveOperand(operator, value, facts);
      const result = operators[operator].test(actual, operand, ctx);
      const explained: Explanation = { fact, operator, actual, result };
      if (value !== undefined) explained.value = value;
      if (operand !== value) explained.operand = operand;
      return [explained, result];
    }
    case 'invalid':
      return [{ error: shape.reason, result: false }, INVALID];
  }
}

/**
 * {@link evaluate}, keeping every node's result. The root's `result` always equals `evaluate`'s answer;
 * unlike evaluate, every child is visited so that the whole tree can be shown.
 *
 * @example
 * explain({ not: { fact: 'form.age', operator: 'lessThan', value: 18 } }, { form: { age: 20 } });
 * // → { not: { fact: 'form.age', operator: 'lessThan', value: 18, actual: 20, result: false }, result: true }
 */
export function explain(condition: Condition, facts: Facts, options: EvaluateOptions = {}): Explanation {
  try {
    return explainNode(condition, facts, { now: options.now ?? new Date() }, 1)[0];
  } catch {
    return { error: '无法读取事实数据', result: false };
  }
}
