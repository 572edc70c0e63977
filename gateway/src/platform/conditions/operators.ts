import type { Operator } from './condition';
import { ageOn, birthDay, compareDates, type DateValue, parseDateValue, shanghaiDay } from './dates';
import { matchesPattern } from './safe-regex';

/**
 * What an operator's `value` must be. Validation checks it; a SQL compiler uses it to bind parameters.
 * - `any`: any JSON value · `list`: an array · `number`: a finite number · `years`: a number ≥ 0
 * - `flag`: a boolean (`exists`; absent means true) · `pattern`: a regex source · `date`: a date or `"today"`
 */
export type OperandKind = 'any' | 'list' | 'number' | 'years' | 'flag' | 'pattern' | 'date';

export interface OperatorContext {
  /** The instant "today" and ages are taken from (read in Asia/Shanghai). */
  now: Date;
}

/**
 * One operator: what its operand must be, and its in-process test.
 *
 * `test` receives the fact's value (undefined when absent) and the operand (already resolved when it was a
 * `{fact}` reference). It never throws: a value of the wrong type makes the test false — except for the
 * complements `notEqual` and `notIn`, which are exactly "not equal" and "not in" (a missing fact is
 * not equal to "married").
 *
 * @example
 * operators.lessThan.test(3, 5, { now: new Date() }); // → true
 * operators.lessThan.test('3', 5, { now: new Date() }); // → false: numbers only
 */
export interface OperatorSpec {
  readonly operand: OperandKind;
  /** Whether `value` may be `{ "fact": … }`. Patterns and the exists flag must be literal. */
  readonly acceptsFactRef: boolean;
  readonly test: (actual: unknown, operand: unknown, ctx: OperatorContext) => boolean;
}

const MAX_EQUAL_DEPTH = 32;

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/** JSON equality; a missing value (undefined) equals null, as JSON cannot tell them apart. */
function same(a: unknown, b: unknown, depth = 0): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (depth >= MAX_EQUAL_DEPTH || !isPlain(x) || !isPlain(y)) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    return (
      Array.isArray(x) &&
      Array.isArray(y) &&
      x.length === y.length &&
      x.every((v, i) => same(v, y[i], depth + 1))
    );
  }
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  const keys = Object.keys(xs);
  return (
    keys.length === Object.keys(ys).length &&
    keys.every((k) => Object.hasOwn(ys, k) && same(xs[k], ys[k], depth + 1))
  );
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function compareNumbers(check: (a: number, b: number) => boolean): OperatorSpec {
  return {
    operand: 'number',
    acceptsFactRef: true,
    test: (a, b) => isNumber(a) && isNumber(b) && check(a, b),
  };
}

function dateOperand(operand: unknown, now: Date): DateValue | undefined {
  return operand === 'today' ? { day: shanghaiDay(now.getTime()) } : parseDateValue(operand);
}

function compareDays(check: (cmp: number) => boolean): OperatorSpec {
  return {
    operand: 'date',
    acceptsFactRef: true,
    test: (actual, operand, { now }) => {
      const a = parseDateValue(actual);
      const b = dateOperand(operand, now);
      return a !== undefined && b !== undefined && check(compareDates(a, b));
    },
  };
}

function compareAge(check: (age: number, years: number) => boolean): OperatorSpec {
  return {
    operand: 'years',
    acceptsFactRef: true,
    test: (actual, years, { now }) => {
      if (!isNumber(years) || years < 0) return false;
      const birth = birthDay(actual);
      const age = birth === undefined ? undefined : ageOn(birth, shanghaiDay(now.getTime()));
      return age !== undefined && check(age, years);
    },
  };
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function isIn(actual: unknown, list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  const x = actual ?? null;
  // A scalar is only ever equal to the same scalar (missing counts as null): no deep comparison, no closure.
  if (x === null || typeof x !== 'object') {
    for (let i = 0; i < list.length; i++) if ((list[i] ?? null) === x) return true;
    return false;
  }
  return list.some((item) => same(x, item));
}

/** The operator table: the one place an operator's meaning lives. */
export const operators: { readonly [K in Operator]: OperatorSpec } = {
  equal: { operand: 'any', acceptsFactRef: true, test: (a, b) => same(a, b) },
  notEqual: { operand: 'any', acceptsFactRef: true, test: (a, b) => !same(a, b) },
  in: { operand: 'list', acceptsFactRef: true, test: isIn },
  notIn: { operand: 'list', acceptsFactRef: true, test: (a, list) => Array.isArray(list) && !isIn(a, list) },
  lessThan: compareNumbers((a, b) => a < b),
  lessThanInclusive: compareNumbers((a, b) => a <= b),
  greaterThan: compareNumbers((a, b) => a > b),
  greaterThanInclusive: compareNumbers((a, b) => a >= b),
  contains: {
    operand: 'any',
    acceptsFactRef: true,
    test: (a, b) =>
      typeof a === 'string'
        ? typeof b === 'string' && a.includes(b)
        : Array.isArray(a) &&
          // A scalar operand needs no deep comparison (JSON has no NaN, so includes' SameValueZero is ===).
          (b === null || typeof b !== 'object' ? a.includes(b) : a.some((item) => same(item, b))),
  },
  exists: {
    operand: 'flag',
    acceptsFactRef: false,
    test: (a, flag) =>
      flag === false ? !isPresent(a) : (flag === true || flag === undefined) && isPresent(a),
  },
  matches: { operand: 'pattern', acceptsFactRef: false, test: (a, source) => matchesPattern(a, source) },
  dateBefore: compareDays((cmp) => cmp < 0),
  dateAfter: compareDays((cmp) => cmp > 0),
  ageAtLeast: compareAge((age, years) => age >= years),
  ageBelow: compareAge((age, years) => age < years),
};
