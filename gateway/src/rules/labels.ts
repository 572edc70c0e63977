import { type FactRef, isFactRef, type Operator } from '../platform/conditions';
import { ageOn, birthDay, shanghaiDay } from '../platform/conditions/dates';
import { regionPath } from '../platform/validation/region-code';
import { PROFILE_FACTS } from './profile-table';

/** Facts holding a GB/T 2260 region code: shown by name (北京市昌平区), not as the code. */
const REGION_FACTS = new Set(['profile.householdRegion']);

/** 110114 → 北京市昌平区 (the 市辖区 level of municipalities left out); the code itself when unknown. */
export function regionText(code: string): string {
  const path = regionPath(code);
  return path ? path.filter((p) => p !== '市辖区').join('') : code;
}

/** A fact's zh-CN name: the rule set's label, the profile column's, else the path itself. */
export function factName(fact: string, labels: Readonly<Record<string, string>> | undefined): string {
  return labels?.[fact] ?? PROFILE_FACTS.get(fact)?.label ?? fact;
}

/** A value as a citizen reads it. */
export function showValue(value: unknown, labels?: Readonly<Record<string, string>>): string {
  if (isFactRef(value)) return factName((value as FactRef).fact, labels);
  if (value === true) return '是';
  if (value === false) return '否';
  if (value === 'today') return '今天';
  if (Array.isArray(value)) return value.map((v) => showValue(v, labels)).join('、');
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '空';
  return JSON.stringify(value);
}

type Phrase = (f: string, v: string, value: unknown) => string;

const POSITIVE: Record<Operator, Phrase> = {
  equal: (f, v, value) => (value === true ? f : `${f}为${v}`),
  notEqual: (f, v, value) => (value === true ? `${f}为否` : `${f}不为${v}`),
  in: (f, v) => `${f}为${v}之一`,
  notIn: (f, v) => `${f}不为${v}中的任何一项`,
  lessThan: (f, v) => `${f}小于${v}`,
  lessThanInclusive: (f, v) => `${f}不超过${v}`,
  greaterThan: (f, v) => `${f}大于${v}`,
  greaterThanInclusive: (f, v) => `${f}不少于${v}`,
  contains: (f, v) => `${f}包含${v}`,
  exists: (f, _v, value) => (value === false ? `无${f}` : `已有${f}`),
  matches: (f) => `${f}格式符合要求`,
  dateBefore: (f, v) => `${f}早于${v}`,
  dateAfter: (f, v) => `${f}晚于${v}`,
  ageAtLeast: (_f, v) => `年满${v}周岁`,
  ageBelow: (_f, v) => `未满${v}周岁`,
};

const NEGATIVE: Record<Operator, Phrase> = {
  equal: POSITIVE.notEqual,
  notEqual: POSITIVE.equal,
  in: POSITIVE.notIn,
  notIn: POSITIVE.in,
  lessThan: POSITIVE.greaterThanInclusive,
  lessThanInclusive: POSITIVE.greaterThan,
  greaterThan: POSITIVE.lessThanInclusive,
  greaterThanInclusive: POSITIVE.lessThan,
  contains: (f, v) => `${f}不包含${v}`,
  exists: (f, v, value) => POSITIVE.exists(f, v, value === false),
  matches: (f) => `${f}格式不符合要求`,
  dateBefore: (f, v) => `${f}不早于${v}`,
  dateAfter: (f, v) => `${f}不晚于${v}`,
  ageAtLeast: POSITIVE.ageBelow,
  ageBelow: POSITIVE.ageAtLeast,
};

/** A generated label for a test, e.g. 「社保缴费年限不少于15」; `negated` phrases its opposite. */
export function generatedLabel(
  fact: string,
  operator: Operator,
  value: unknown,
  negated: boolean,
  labels?: Readonly<Record<string, string>>,
): string {
  return (negated ? NEGATIVE : POSITIVE)[operator](factName(fact, labels), showValue(value, labels), value);
}

/**
 * The subject's current value as a sentence: the author's template (`{value}`, and `{age}` for age
 * operators) or 「当前为…」; 「暂无该项信息」 when the fact is missing.
 */
export function currentText(
  operator: Operator,
  actual: unknown,
  template: string | undefined,
  now: Date,
  fact?: string,
): string {
  if (actual === undefined || actual === null || actual === '') return '暂无该项信息';
  if (fact !== undefined && REGION_FACTS.has(fact) && typeof actual === 'string') actual = regionText(actual);
  const birth = operator === 'ageAtLeast' || operator === 'ageBelow' ? birthDay(actual) : undefined;
  const age = birth === undefined ? undefined : ageOn(birth, shanghaiDay(now.getTime()));
  if (template !== undefined) {
    return template
      .replaceAll('{value}', showValue(actual))
      .replaceAll('{age}', age === undefined ? '—' : String(age));
  }
  return age === undefined ? `当前为${showValue(actual)}` : `当前${age}周岁`;
}
