import { describe, expect, it } from 'vitest';
import type { Operator } from './condition';
import { operators } from './operators';

const ctx = { now: new Date('2024-06-15T12:00:00+08:00') };
const t = (op: Operator, actual: unknown, operand: unknown) => operators[op].test(actual, operand, ctx);

describe('equal / notEqual', () => {
  it('compares JSON values, deeply', () => {
    expect(t('equal', 'married', 'married')).toBe(true);
    expect(t('equal', 1, 1)).toBe(true);
    expect(t('equal', [1, { a: 'x' }], [1, { a: 'x' }])).toBe(true);
    expect(t('equal', { a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(t('equal', { a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(t('equal', [1, 2], [2, 1])).toBe(false);
  });
  it('does not coerce types', () => {
    expect(t('equal', '1', 1)).toBe(false);
    expect(t('equal', 0, false)).toBe(false);
    expect(t('equal', '', null)).toBe(false);
    expect(t('equal', [1], 1)).toBe(false);
  });
  it('treats a missing value as null', () => {
    expect(t('equal', undefined, null)).toBe(true);
    expect(t('equal', undefined, 'x')).toBe(false);
    expect(t('notEqual', undefined, 'x')).toBe(true);
    expect(t('notEqual', null, undefined)).toBe(false);
  });
  it('never equates non-plain objects by their (empty) keys', () => {
    expect(t('equal', new Date(0), new Date(1))).toBe(false);
  });
  it('notEqual is the exact complement', () => {
    for (const [a, b] of [
      ['x', 'x'],
      ['x', 'y'],
      [1, '1'],
      [null, undefined],
      [[1], [1]],
    ] as const) {
      expect(t('notEqual', a, b)).toBe(!t('equal', a, b));
    }
  });
});

describe('in / notIn', () => {
  it('looks the value up in a list', () => {
    expect(t('in', 'b', ['a', 'b'])).toBe(true);
    expect(t('in', 'c', ['a', 'b'])).toBe(false);
    expect(t('in', 2, ['2'])).toBe(false);
    expect(t('in', undefined, [null])).toBe(true);
    expect(t('notIn', 'c', ['a', 'b'])).toBe(true);
    expect(t('notIn', 'a', ['a', 'b'])).toBe(false);
    expect(t('notIn', undefined, ['a'])).toBe(true);
  });
  it('is false both ways when the operand is not a list', () => {
    for (const operand of ['ab', 1, null, undefined, { a: 1 }]) {
      expect(t('in', 'a', operand)).toBe(false);
      expect(t('notIn', 'a', operand)).toBe(false);
    }
  });
});

describe('number comparisons', () => {
  it('compare numbers', () => {
    expect(t('lessThan', 1, 2)).toBe(true);
    expect(t('lessThan', 2, 2)).toBe(false);
    expect(t('lessThanInclusive', 2, 2)).toBe(true);
    expect(t('lessThanInclusive', 3, 2)).toBe(false);
    expect(t('greaterThan', 3, 2)).toBe(true);
    expect(t('greaterThan', 2, 2)).toBe(false);
    expect(t('greaterThanInclusive', 2, 2)).toBe(true);
    expect(t('greaterThanInclusive', 1, 2)).toBe(false);
  });
  it('are false for anything but two finite numbers', () => {
    const ops: Operator[] = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
    for (const op of ops) {
      for (const [a, b] of [
        ['1', 2],
        [1, '2'],
        ['a', 'b'],
        ['2024-01-01', '2024-02-01'],
        [null, 1],
        [undefined, 1],
        [1, null],
        [Number.NaN, 1],
        [1, Number.POSITIVE_INFINITY],
        [true, 2],
        [[1], 2],
      ] as const) {
        expect(t(op, a, b), `${op}(${String(a)}, ${String(b)})`).toBe(false);
      }
    }
  });
});

describe('contains', () => {
  it('finds a substring in a string', () => {
    expect(t('contains', '北京市朝阳区', '朝阳')).toBe(true);
    expect(t('contains', '北京市朝阳区', '海淀')).toBe(false);
    expect(t('contains', 'abc', '')).toBe(true);
  });
  it('finds an element in an array', () => {
    expect(t('contains', ['low-income', 'disabled'], 'disabled')).toBe(true);
    expect(t('contains', [1, 2], 3)).toBe(false);
    expect(t('contains', [{ id: 1 }], { id: 1 })).toBe(true);
  });
  it('is false on mismatched types', () => {
    expect(t('contains', 'abc', 1)).toBe(false);
    expect(t('contains', 123, '2')).toBe(false);
    expect(t('contains', null, 'a')).toBe(false);
    expect(t('contains', undefined, 'a')).toBe(false);
    expect(t('contains', { a: 'x' }, 'a')).toBe(false);
    expect(t('contains', ['1'], 1)).toBe(false);
  });
});

describe('exists', () => {
  it('true: present and not null or empty', () => {
    expect(t('exists', 'x', true)).toBe(true);
    expect(t('exists', 0, true)).toBe(true);
    expect(t('exists', false, true)).toBe(true);
    expect(t('exists', [], true)).toBe(true);
    expect(t('exists', '', true)).toBe(false);
    expect(t('exists', null, true)).toBe(false);
    expect(t('exists', undefined, true)).toBe(false);
  });
  it('false: absent, null or empty', () => {
    expect(t('exists', undefined, false)).toBe(true);
    expect(t('exists', null, false)).toBe(true);
    expect(t('exists', '', false)).toBe(true);
    expect(t('exists', 'x', false)).toBe(false);
  });
  it('defaults to true without an operand and is false for a non-boolean operand', () => {
    expect(t('exists', 'x', undefined)).toBe(true);
    expect(t('exists', undefined, undefined)).toBe(false);
    expect(t('exists', 'x', 'yes')).toBe(false);
    expect(t('exists', undefined, 0)).toBe(false);
  });
});

describe('matches', () => {
  it('matches strings only', () => {
    expect(t('matches', '13800138000', '^1[3-9]\\d{9}$')).toBe(true);
    expect(t('matches', '12800138000', '^1[3-9]\\d{9}$')).toBe(false);
    expect(t('matches', 13800138000, '^1[3-9]\\d{9}$')).toBe(false);
    expect(t('matches', null, '.*')).toBe(false);
    expect(t('matches', undefined, '.*')).toBe(false);
    expect(t('matches', ['abc'], 'a')).toBe(false);
  });
  it('is false for a non-string, invalid or unsafe pattern', () => {
    expect(t('matches', 'abc', 1)).toBe(false);
    expect(t('matches', 'abc', '(')).toBe(false);
    expect(t('matches', 'aaa', '(a+)+$')).toBe(false);
    expect(t('matches', 'a', `a${'?'.repeat(200)}`)).toBe(false);
  });
  it('handles Chinese text', () => {
    expect(t('matches', '张三', '^[\\u4e00-\\u9fa5]{2,4}$')).toBe(true);
  });
});

describe('dateBefore / dateAfter', () => {
  it('compare dates', () => {
    expect(t('dateBefore', '2024-01-01', '2024-01-02')).toBe(true);
    expect(t('dateBefore', '2024-01-02', '2024-01-02')).toBe(false);
    expect(t('dateAfter', '2024-01-03', '2024-01-02')).toBe(true);
    expect(t('dateAfter', '2024-01-02', '2024-01-02')).toBe(false);
  });
  it('take "today" in Asia/Shanghai from now', () => {
    // 2024-06-14T16:30Z is already 15 June in Shanghai.
    const lateUtc = { now: new Date('2024-06-14T16:30:00Z') };
    expect(operators.dateBefore.test('2024-06-14', 'today', lateUtc)).toBe(true);
    expect(operators.dateBefore.test('2024-06-15', 'today', lateUtc)).toBe(false);
    expect(operators.dateAfter.test('2024-06-15', 'today', lateUtc)).toBe(false);
    expect(operators.dateAfter.test('2024-06-16', 'today', lateUtc)).toBe(true);
  });
  it('compare a date-time with a date by its Shanghai calendar day', () => {
    // 20:00Z on 30 April is 04:00 on 1 May in Shanghai.
    expect(t('dateBefore', '2024-04-30T20:00:00Z', '2024-05-01')).toBe(false);
    expect(t('dateAfter', '2024-04-30T20:00:00Z', '2024-04-30')).toBe(true);
    expect(t('dateBefore', '2024-04-30T15:59:59Z', '2024-05-01')).toBe(true);
  });
  it('compare two date-times as instants; no offset means Shanghai time', () => {
    expect(t('dateBefore', '2024-05-01T10:00:00+08:00', '2024-05-01T03:00:00Z')).toBe(true);
    expect(t('dateBefore', '2024-05-01T10:00:00', '2024-05-01T02:30:00Z')).toBe(true);
    expect(t('dateAfter', '2024-05-01 10:00:00.500', '2024-05-01T02:00:00Z')).toBe(true);
    expect(t('dateAfter', '2024-05-01T10:00:00-0500', '2024-05-01T14:59:59Z')).toBe(true);
  });
  it('accept Date objects from in-process callers', () => {
    expect(t('dateBefore', new Date('2024-01-01T00:00:00Z'), '2024-01-02')).toBe(true);
    expect(t('dateBefore', new Date('nonsense'), '2024-01-02')).toBe(false);
  });
  it('are false for anything that is not a real date', () => {
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-1-1',
      '20240101',
      'today!',
      20240101,
      null,
      undefined,
      '',
    ]) {
      expect(t('dateBefore', bad, '2030-01-01'), String(bad)).toBe(false);
      expect(t('dateAfter', '2030-01-01', bad), String(bad)).toBe(false);
    }
    expect(t('dateBefore', '2024-01-01T25:00:00', '2030-01-01')).toBe(false);
  });
  it('accept 29 February in leap years', () => {
    expect(t('dateBefore', '2024-02-29', '2024-03-01')).toBe(true);
  });
});

describe('ageAtLeast / ageBelow', () => {
  const at = (now: string) => ({ now: new Date(now) });
  const age = (op: 'ageAtLeast' | 'ageBelow', birth: unknown, years: unknown, now: string) =>
    operators[op].test(birth, years, at(now));

  it('turn a year older on the birthday, not before', () => {
    expect(age('ageAtLeast', '2006-06-15', 18, '2024-06-15T00:00:00+08:00')).toBe(true);
    expect(age('ageAtLeast', '2006-06-15', 18, '2024-06-14T23:59:59+08:00')).toBe(false);
    expect(age('ageBelow', '2006-06-15', 18, '2024-06-14T23:59:59+08:00')).toBe(true);
    expect(age('ageBelow', '2006-06-15', 18, '2024-06-15T00:00:00+08:00')).toBe(false);
  });
  it('count the day in Asia/Shanghai', () => {
    // 16:30Z on 14 June is 00:30 on 15 June in Shanghai: the birthday has come.
    expect(age('ageAtLeast', '2006-06-15', 18, '2024-06-14T16:30:00Z')).toBe(true);
    expect(age('ageAtLeast', '2006-06-15', 18, '2024-06-14T15:59:59Z')).toBe(false);
  });
  it('give 29 February births their year on 1 March in common years', () => {
    expect(age('ageAtLeast', '2004-02-29', 18, '2022-02-28T12:00:00+08:00')).toBe(false);
    expect(age('ageAtLeast', '2004-02-29', 18, '2022-03-01T00:00:00+08:00')).toBe(true);
    expect(age('ageAtLeast', '2004-02-29', 20, '2024-02-28T12:00:00+08:00')).toBe(false);
    expect(age('ageAtLeast', '2004-02-29', 20, '2024-02-29T00:00:00+08:00')).toBe(true);
    expect(age('ageBelow', '2004-02-29', 20, '2024-02-28T12:00:00+08:00')).toBe(true);
  });
  it('read the birth date from characters 7–14 of a resident ID number', () => {
    expect(age('ageAtLeast', '11010520060615123X', 18, '2024-06-15T08:00:00+08:00')).toBe(true);
    expect(age('ageAtLeast', '110105200606151234', 18, '2024-06-14T08:00:00+08:00')).toBe(false);
    expect(age('ageBelow', '11010520060615123x', 18, '2024-06-14T08:00:00+08:00')).toBe(true);
    expect(age('ageAtLeast', '11010519491231002X', 60, '2024-06-15T08:00:00+08:00')).toBe(true);
  });
  it('are false for an invalid or future birth date, or a bad operand', () => {
    const now = '2024-06-15T12:00:00+08:00';
    for (const op of ['ageAtLeast', 'ageBelow'] as const) {
      for (const birth of [
        '11010520060231123X',
        '1101052006061512',
        '2006-02-30',
        '2030-01-01',
        20060615,
        null,
        undefined,
      ]) {
        expect(age(op, birth, 0, now), `${op} ${String(birth)}`).toBe(false);
      }
      for (const years of ['18', -1, null, undefined, Number.NaN]) {
        expect(age(op, '2000-01-01', years, now), `${op} years=${String(years)}`).toBe(false);
      }
    }
  });
  it('count a birth today as age 0', () => {
    expect(age('ageAtLeast', '2024-06-15', 0, '2024-06-15T12:00:00+08:00')).toBe(true);
    expect(age('ageBelow', '2024-06-15', 1, '2024-06-15T12:00:00+08:00')).toBe(true);
  });
});
