import { type Condition, type Facts, isFactRef, MAX_DEPTH, type Operator } from './condition';
import { birthDay, type DayKey, dayOf, parseDateValue, shanghaiDay } from './dates';
import { FORBIDDEN_SEGMENTS } from './evaluate';
import { type OperatorContext, operators } from './operators';
import { shapeOf } from './shape';

const INVALID = Symbol('invalid');
type Outcome = boolean | typeof INVALID;
type Node = (facts: Facts, ctx: OperatorContext) => Outcome;
/** An operator-table test bound to its fact and operand (steps that are not specialised). */
type Test = (facts: Facts, ctx: OperatorContext) => boolean;
type Read = (facts: Facts) => unknown;

/** A compiled condition: the same answer as {@link evaluate}, without re-reading the tree on each call. */
export type CompiledCondition = (facts: Facts, ctx?: OperatorContext) => boolean;

function own(o: unknown, k: string): unknown {
  return typeof o === 'object' && o !== null && Object.hasOwn(o, k)
    ? (o as Record<string, unknown>)[k]
    : undefined;
}

function path(fact: string): Read {
  const keys = fact.split('.');
  if (keys.some((k) => FORBIDDEN_SEGMENTS.has(k))) return () => undefined;
  // Most facts are `form.<field>` or `profile.<field>`: a fixed read, without a loop, on this hot path.
  if (keys.length === 1) {
    const [a] = keys as [string];
    return (facts) => own(facts, a);
  }
  if (keys.length === 2) {
    const [a, b] = keys as [string, string];
    return (facts) => own(own(facts, a), b);
  }
  if (keys.length === 3) {
    const [a, b, c] = keys as [string, string, string];
    return (facts) => own(own(own(facts, a), b), c);
  }
  return (facts) => {
    let current: unknown = facts;
    for (let i = 0; i < keys.length; i++) {
      current = own(current, keys[i]!);
      if (current === undefined) return undefined;
    }
    return current;
  };
}

// The last string read as a birth date and as a date, and their days: the rules of one subject read the
// same birth-date string again and again (pure functions of a string, so a one-entry memo is exact; a
// Date can change, so only strings are remembered).
let birthInput = '';
let birthOutput: DayKey | undefined;
function birthOf(value: unknown): DayKey | undefined {
  if (typeof value !== 'string') return undefined;
  if (value !== birthInput) {
    birthInput = value;
    birthOutput = birthDay(value);
  }
  return birthOutput;
}
let dayInput = '';
let dayOutput: DayKey | undefined;
function dayOfMemo(value: unknown): DayKey | undefined {
  if (typeof value !== 'string') return dayOf(value);
  if (value !== dayInput) {
    dayInput = value;
    dayOutput = dayOf(value);
  }
  return dayOutput;
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object';
}

// What a step does. Combinators and calls first; the others are tests of the value at `key` (or `read`).
const ALL = 0;
const ANY = 1;
const NOT = 2;
const SCOPE = 3;
const CALL = 4;
const NEVER = 5;
const PRESENT = 6;
const ABSENT = 7;
const IS = 8;
const IS_NOT = 9;
const NULLISH = 10;
const NOT_NULLISH = 11;
const IN = 12;
const NOT_IN = 13;
const LT = 14;
const LE = 15;
const GT = 16;
const GE = 17;
const BEFORE_DAY = 18;
const AFTER_DAY = 19;
const BEFORE_TODAY = 20;
const AFTER_TODAY = 21;
const AGE_AT_LEAST = 22;
const AGE_BELOW = 23;

/**
 * One node of a well-formed tree, resolved at compile time: a combinator over `items`, a test with its
 * operand already in the form the test wants (a Set for `in`, a day key for dates, whole years for ages),
 * or a `call` into the operator table for what is not specialised. One class, so that {@link run} reads
 * every field from one object shape.
 */
class Step {
  /** The fact below the object the step is given: one own property, or a path when `read` is set. */
  key = '';
  read: Read | undefined = undefined;
  value: unknown = undefined;
  num = 0;
  set: ReadonlySet<unknown> | undefined = undefined;
  nullable = false;
  items: readonly Step[] = [];
  call: Test | undefined = undefined;
  // Ages: today and the latest birth day for `num` years, for the instant they were worked out for.
  instant = Number.NaN;
  today = 0;
  bound = 0;
  constructor(readonly op: number) {}
}

function step(op: number, fields: Partial<Step> = {}): Step {
  return Object.assign(new Step(op), fields);
}

/**
 * Evaluates a step: one function for every node, so that the hot path is a switch rather than calls
 * through closures of many shapes. The tests have the meaning of {@link operators} (compile.test.ts holds
 * the two to the same answers on random trees).
 */
function run(s: Step, facts: unknown, ctx: OperatorContext): boolean {
  switch (s.op) {
    case ALL: {
      const items = s.items;
      for (let i = 0; i < items.length; i++) if (!run(items[i]!, facts, ctx)) return false;
      return true;
    }
    case ANY: {
      const items = s.items;
      for (let i = 0; i < items.length; i++) if (run(items[i]!, facts, ctx)) return true;
      return false;
    }
    case NOT:
      return !run(s.items[0]!, facts, ctx);
    case SCOPE:
      return run(s.items[0]!, own(facts, s.key), ctx);
    case CALL:
      return s.call!(facts as Facts, ctx);
    case NEVER:
      return false;
  }
  const a = s.read === undefined ? own(facts, s.key) : s.read(facts as Facts);
  switch (s.op) {
    case PRESENT:
      return a !== undefined && a !== null && a !== '';
    case ABSENT:
      return a === undefined || a === null || a === '';
    case IS:
      return a === s.value;
    case IS_NOT:
      return a !== s.value;
    case NULLISH:
      return a === undefined || a === null;
    case NOT_NULLISH:
      return a !== undefined && a !== null;
    case IN:
      return a === undefined || a === null ? s.nullable : s.set!.has(a);
    case NOT_IN:
      return a === undefined || a === null ? !s.nullable : !s.set!.has(a);
    case LT:
      return Number.isFinite(a) && (a as number) < s.num;
    case LE:
      return Number.isFinite(a) && (a as number) <= s.num;
    case GT:
      return Number.isFinite(a) && (a as number) > s.num;
    case GE:
      return Number.isFinite(a) && (a as number) >= s.num;
    case BEFORE_DAY:
    case AFTER_DAY: {
      const day = dayOfMemo(a);
      return day !== undefined && (s.op === BEFORE_DAY ? day < s.num : day > s.num);
    }
    case BEFORE_TODAY:
    case AFTER_TODAY: {
      const day = dayOfMemo(a);
      const today = shanghaiDay(ctx.now.getTime());
      return day !== undefined && (s.op === BEFORE_TODAY ? day < today : day > today);
    }
    case AGE_AT_LEAST:
    case AGE_BELOW: {
      const birth = birthOf(a);
      if (birth === undefined) return false;
      const t = ctx.now.getTime();
      if (t !== s.instant) {
        // At least `num` whole years old on `today` (ageOn's rule) exactly when born on or before today
        // with the year less `num`, compared as yyyymmdd numbers: a 29 February birthday is after the bound
        // 28 February of a common year, so it turns on 1 March.
        s.instant = t;
        s.today = shanghaiDay(t);
        s.bound = (Math.floor(s.today / 10000) - s.num) * 10000 + (s.today % 10000);
      }
      return s.op === AGE_AT_LEAST ? birth <= s.bound : birth > s.bound && birth <= s.today;
    }
  }
  return false;
}

const COMPARE: Partial<Record<Operator, number>> = {
  lessThan: LT,
  lessThanInclusive: LE,
  greaterThan: GT,
  greaterThanInclusive: GE,
};

/** A test as a step: specialised for its operator and literal operand, else a call into the table. */
function leaf(fact: string, op: Operator, value: unknown): Step {
  const read = path(fact);
  const at: Partial<Step> = fact.includes('.') || FORBIDDEN_SEGMENTS.has(fact) ? { read } : { key: fact };
  const spec = operators[op];
  if (spec.acceptsFactRef && isFactRef(value)) {
    const operand = path(value.fact);
    return step(CALL, { call: (facts, ctx) => spec.test(read(facts), operand(facts), ctx) });
  }
  const call = () => step(CALL, { call: (facts, ctx) => spec.test(read(facts), value, ctx) });
  switch (op) {
    case 'equal':
    case 'notEqual':
      // JSON equality with a scalar is identity; a missing fact equals null.
      if (!isScalar(value)) return call();
      if (value === null || value === undefined) return step(op === 'equal' ? NULLISH : NOT_NULLISH, at);
      return step(op === 'equal' ? IS : IS_NOT, { ...at, value });
    case 'in':
    case 'notIn': {
      if (!Array.isArray(value)) return step(NEVER);
      // Only lists of scalars: an object needs the deep comparison (and NaN, which JSON has not, would
      // make the Set's SameValueZero differ from ===).
      if (!value.every((v) => isScalar(v) && !Number.isNaN(v))) return call();
      const items = value.map((v) => v ?? null);
      return step(op === 'in' ? IN : NOT_IN, { ...at, set: new Set(items), nullable: items.includes(null) });
    }
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return typeof value === 'number' && Number.isFinite(value)
        ? step(COMPARE[op]!, { ...at, num: value })
        : step(NEVER);
    case 'exists':
      if (value === false) return step(ABSENT, at);
      return value === true || value === undefined ? step(PRESENT, at) : step(NEVER);
    case 'dateBefore':
    case 'dateAfter': {
      const before = op === 'dateBefore';
      if (value === 'today') return step(before ? BEFORE_TODAY : AFTER_TODAY, at);
      const day = parseDateValue(value);
      if (day === undefined) return step(NEVER);
      // A literal with a time of day compares instants with date-times (compareDates): the table does.
      if (day.instant !== undefined) return call();
      return step(before ? BEFORE_DAY : AFTER_DAY, { ...at, num: day.day });
    }
    case 'ageAtLeast':
    case 'ageBelow':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return step(NEVER);
      // Ages are whole years: at least 17.5 is at least 18, below 17.5 is below 18.
      return step(op === 'ageAtLeast' ? AGE_AT_LEAST : AGE_BELOW, { ...at, num: Math.ceil(value) });
    default:
      return call();
  }
}

interface Complement {
  operator: Operator;
  applies(value: unknown): boolean;
  value(value: unknown): unknown;
}
const same = (value: unknown) => value;
const always = () => true;
/** Operators whose negation is another operator, for the operands where that holds exactly. */
const COMPLEMENTS: Partial<Record<Operator, Complement>> = {
  equal: { operator: 'notEqual', applies: always, value: same },
  notEqual: { operator: 'equal', applies: always, value: same },
  // notIn is false for a non-list operand, and so is in: only a list makes them complements.
  in: { operator: 'notIn', applies: Array.isArray, value: same },
  notIn: { operator: 'in', applies: Array.isArray, value: same },
  exists: {
    operator: 'exists',
    applies: (flag) => flag === true || flag === false || flag === undefined,
    value: (flag) => flag === false,
  },
};

/** The fact paths a well-formed tree reads (tests and `{fact}` operands). */
function pathsOf(node: unknown, out: string[]): string[] {
  const shape = shapeOf(node);
  if (shape.kind === 'all' || shape.kind === 'any') for (const item of shape.items) pathsOf(item, out);
  else if (shape.kind === 'not') pathsOf(shape.item, out);
  else if (shape.kind === 'test') {
    out.push(shape.fact);
    if (operators[shape.operator].acceptsFactRef && isFactRef(shape.value)) out.push(shape.value.fact);
  }
  return out;
}

/**
 * A well-formed tree as steps. When every path starts with the same object (`profile.…`, `form.…`), that
 * object is read once per evaluation and the tests read below it: `own(own(facts, 'profile'), k)` is
 * `own(sub, k)`.
 */
function buildSteps(node: unknown): Step {
  const paths = pathsOf(node, []);
  const first = paths[0]?.split('.')[0];
  if (
    first === undefined ||
    FORBIDDEN_SEGMENTS.has(first) ||
    !paths.every((p) => p.startsWith(`${first}.`) && p.length > first.length + 1)
  ) {
    return below(node, '');
  }
  return step(SCOPE, { key: first, items: [below(node, `${first}.`)] });
}

function below(node: unknown, prefix: string): Step {
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all':
    case 'any': {
      const items = shape.items.map((item) => below(item, prefix));
      return items.length === 1 ? items[0]! : step(shape.kind === 'all' ? ALL : ANY, { items });
    }
    case 'not': {
      const inner = shapeOf(shape.item);
      // not(exists), not(equal), not(in [...]) are their complements, without a step between.
      if (inner.kind === 'test' && !isFactRef(inner.value)) {
        const complement = COMPLEMENTS[inner.operator];
        if (complement?.applies(inner.value)) {
          const { fact, value } = inner;
          return below({ fact, operator: complement.operator, value: complement.value(value) }, prefix);
        }
      }
      return step(NOT, { items: [below(shape.item, prefix)] });
    }
    case 'test': {
      const { fact, operator, value } = shape;
      const strip = (p: string) => p.slice(prefix.length);
      const operand =
        operators[operator].acceptsFactRef && isFactRef(value) ? { fact: strip(value.fact) } : value;
      return leaf(strip(fact), operator, operand);
    }
    case 'invalid':
      throw new Error('unreachable: checked by wellFormed');
  }
}

/** Whether no malformed node and nothing deeper than MAX_DEPTH can be reached. */
function wellFormed(node: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all':
    case 'any':
      return shape.items.every((item) => wellFormed(item, depth + 1));
    case 'not':
      return wellFormed(shape.item, depth + 1);
    case 'test':
      return true;
    case 'invalid':
      return false;
  }
}

// Trees with a malformed node: a malformed node that is reached makes the whole answer false (see evaluate).
function build(node: unknown, depth: number): Node {
  if (depth > MAX_DEPTH) return () => INVALID;
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all': {
      const items = shape.items.map((item) => build(item, depth + 1));
      const n = items.length;
      return (facts, ctx) => {
        for (let i = 0; i < n; i++) {
          const o = items[i]!(facts, ctx);
          if (o !== true) return o;
        }
        return true;
      };
    }
    case 'any': {
      const items = shape.items.map((item) => build(item, depth + 1));
      const n = items.length;
      return (facts, ctx) => {
        for (let i = 0; i < n; i++) {
          const o = items[i]!(facts, ctx);
          if (o !== false) return o;
        }
        return false;
      };
    }
    case 'not': {
      const item = build(shape.item, depth + 1);
      return (facts, ctx) => {
        const o = item(facts, ctx);
        return o === INVALID ? INVALID : !o;
      };
    }
    case 'test': {
      const test = leaf(shape.fact, shape.operator, shape.value);
      return (facts, ctx) => run(test, facts, ctx);
    }
    case 'invalid':
      return () => INVALID;
  }
}

/** The root step of any condition: malformed trees go through {@link build}, uncompilable ones are false. */
function rootStep(condition: Condition): Step {
  try {
    if (wellFormed(condition, 1)) return buildSteps(condition);
    const node = build(condition, 1);
    return step(CALL, { call: (facts, ctx) => node(facts, ctx) === true });
  } catch {
    return step(NEVER);
  }
}

/**
 * Compiles a condition once into a function of the facts, for conditions evaluated many times (form
 * linkage on every submission, eligibility over a population). Same semantics as {@link evaluate}: never
 * throws, a malformed node that is reached makes the answer false. `ctx.now` defaults to the time of the
 * call. No code is generated: the tree becomes steps resolved at compile time for their operators and
 * literal operands (a Set for `in`, the parsed day for dates, day arithmetic for ages).
 *
 * @example
 * const married = compileCondition({ fact: 'form.maritalStatus', operator: 'equal', value: 'married' });
 * married({ form: { maritalStatus: 'married' } }); // → true
 */
export function compileCondition(condition: Condition): CompiledCondition {
  const root = rootStep(condition);
  return (facts, ctx) => {
    try {
      return run(root, facts, ctx ?? { now: new Date() });
    } catch {
      return false;
    }
  };
}

/**
 * Compiles conditions tried in order (a rule set's rules): the index of the first that holds, else -1.
 * Each answers as {@link compileCondition} would, in one call instead of one per condition.
 *
 * @example
 * const first = compileFirst([{ fact: 'form.age', operator: 'lessThan', value: 18 }, { fact: 'form.age', operator: 'exists' }]);
 * first({ form: { age: 30 } }); // → 1
 */
export function compileFirst(
  conditions: readonly Condition[],
): (facts: Facts, ctx?: OperatorContext) => number {
  const roots = conditions.map(rootStep);
  const n = roots.length;
  return (facts, ctx) => {
    const c = ctx ?? { now: new Date() };
    for (let i = 0; i < n; i++) {
      try {
        if (run(roots[i]!, facts, c)) return i;
      } catch {
        // As compileCondition: a condition that throws (facts that are not plain data) does not hold.
      }
    }
    return -1;
  };
}
