import type { Condition } from '../services/types';

/**
 * Client-side twin of the gateway's condition evaluator (gateway/src/platform/conditions), for the
 * operators the catalog uses. It only drives what the form shows; the gateway re-checks on submit.
 */
export type Facts = Record<string, unknown>;

export function getFact(facts: Facts, path: string): unknown {
  let cur: unknown = facts;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.propertyIsEnumerable.call(cur, key))
      return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

// Object.hasOwn is missing on older WeChat / DingTalk base libraries, hence propertyIsEnumerable above.
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

function day(v: unknown, now: Date): string | undefined {
  if (v === 'today') return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined;
}

function birthOf(v: unknown): string | undefined {
  if (typeof v === 'string' && /^\d{17}[\dXx]$/.test(v))
    return `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  return day(v, new Date());
}

function age(birth: string, today: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

function test(op: string, a: unknown, b: unknown, now: Date): boolean {
  switch (op) {
    case 'equal':
      return same(a, b);
    case 'notEqual':
      return !same(a, b);
    case 'in':
      return Array.isArray(b) && b.some((x) => same(a, x));
    case 'notIn':
      return Array.isArray(b) && !b.some((x) => same(a, x));
    case 'lessThan':
      return num(a) && num(b) && (a as number) < (b as number);
    case 'lessThanInclusive':
      return num(a) && num(b) && (a as number) <= (b as number);
    case 'greaterThan':
      return num(a) && num(b) && (a as number) > (b as number);
    case 'greaterThanInclusive':
      return num(a) && num(b) && (a as number) >= (b as number);
    case 'contains':
      return typeof a === 'string'
        ? typeof b === 'string' && a.includes(b)
        : Array.isArray(a) && a.some((x) => same(x, b));
    case 'exists':
      return b === false ? !present(a) : present(a);
    case 'matches':
      try {
        return typeof a === 'string' && typeof b === 'string' && new RegExp(b).test(a);
      } catch {
        return false;
      }
    case 'dateBefore':
    case 'dateAfter': {
      const x = day(a, now);
      const y = day(b, now);
      if (!x || !y) return false;
      return op === 'dateBefore' ? x < y : x > y;
    }
    case 'ageAtLeast':
    case 'ageBelow': {
      const birth = birthOf(a);
      const today = day('today', now)!;
      if (!birth || !num(b)) return false;
      return op === 'ageAtLeast' ? age(birth, today) >= (b as number) : age(birth, today) < (b as number);
    }
    default:
      return false;
  }
}

export function evaluate(condition: Condition, facts: Facts, now = new Date()): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, facts, now));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, facts, now));
  if ('not' in condition) return !evaluate(condition.not, facts, now);
  const value =
    condition.value && typeof condition.value === 'object' && 'fact' in (condition.value as object)
      ? getFact(facts, (condition.value as { fact: string }).fact)
      : condition.value;
  return test(condition.operator, getFact(facts, condition.fact), value, now);
}
