import { describe, expect, it } from 'vitest';
import { type Condition, isCondition, isFactRef, validateCondition } from './condition';

function errorsOf(json: unknown) {
  const r = validateCondition(json);
  return r.ok ? [] : r.errors.map(({ pointer, code }) => `${pointer} ${code}`);
}

describe('validateCondition', () => {
  it('accepts well-formed conditions', () => {
    const c: Condition = {
      all: [
        { fact: 'form.maritalStatus', operator: 'in', value: ['married'] },
        {
          any: [
            { fact: 'form.children.0.name', operator: 'exists' },
            { not: { fact: 'a', operator: 'equal', value: null } },
          ],
        },
        { fact: 'profile.idNumber', operator: 'ageAtLeast', value: 18 },
        { fact: 'form.birth', operator: 'dateBefore', value: 'today' },
        { fact: 'form.birth', operator: 'dateAfter', value: { fact: 'form.marriedOn' } },
        { fact: 'form.phone', operator: 'matches', value: '^1[3-9]\\d{9}$' },
        { fact: 'form.n', operator: 'lessThan', value: { fact: 'form.max' } },
      ],
    };
    expect(validateCondition(c)).toEqual({ ok: true });
    expect(isCondition(c)).toBe(true);
  });

  it('matches the documented example', () => {
    expect(validateCondition({ all: [{ fact: 'form.age', operator: 'greaterThan', value: '18' }] })).toEqual({
      ok: false,
      errors: [{ pointer: '/all/0/value', code: 'operand', message: '比较值应为数字' }],
    });
  });

  it('points at structural errors', () => {
    expect(errorsOf('x')).toEqual(['/ type']);
    expect(errorsOf(null)).toEqual(['/ type']);
    expect(errorsOf({})).toEqual(['/fact required', '/operator required']);
    expect(errorsOf({ all: [] })).toEqual(['/all items']);
    expect(errorsOf({ all: 'x' })).toEqual(['/all type']);
    expect(errorsOf({ any: Array.from({ length: 101 }, () => ({ fact: 'a', operator: 'exists' })) })).toEqual(
      ['/any items'],
    );
    expect(errorsOf({ all: [{ fact: 'a', operator: 'exists' }], any: [] })).toEqual(['/ shape']);
    expect(errorsOf({ not: { fact: 'a', operator: 'exists' }, fact: 'a' })).toEqual(['/ shape']);
    expect(errorsOf({ any: [{ fact: '1bad', operator: 'equal', value: 1 }] })).toEqual([
      '/any/0/fact pattern',
    ]);
    expect(errorsOf({ fact: 'a..b', operator: 'equal', value: 1 })).toEqual(['/fact pattern']);
    expect(errorsOf({ fact: `a${'b'.repeat(200)}`, operator: 'equal', value: 1 })).toEqual(['/fact pattern']);
    expect(errorsOf({ not: { fact: 'a', operator: 'like', value: 1 } })).toEqual(['/not/operator enum']);
    expect(errorsOf({ fact: 'a', operator: 'equal', value: 1, 'x/y': true })).toEqual([
      '/x~1y unknown_field',
    ]);
    expect(errorsOf({ all: [{ fact: 'a', operator: 'exists' }, 3, { any: [{}] }] })).toEqual([
      '/all/1 type',
      '/all/2/any/0/fact required',
      '/all/2/any/0/operator required',
    ]);
  });

  it('checks each operator’s operand', () => {
    expect(errorsOf({ fact: 'a', operator: 'equal' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'in', value: 'x' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'lessThan', value: '1' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'exists', value: 'yes' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'exists', value: { fact: 'b' } })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'dateBefore', value: 'tomorrow' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'dateBefore', value: '2023-02-29' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'ageBelow', value: -1 })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'equal', value: { fact: 'not a path' } })).toEqual([
      '/value operand',
    ]);
    expect(errorsOf({ fact: 'a', operator: 'contains', value: { any: 'json' } })).toEqual([]);
  });

  it('refuses unsafe or invalid regular expressions', () => {
    const r = validateCondition({ any: [{ fact: 'a', operator: 'matches', value: 'x'.repeat(201) }] });
    expect(r).toEqual({
      ok: false,
      errors: [{ pointer: '/any/0/value', code: 'operand', message: '正则表达式不能超过 200 个字符' }],
    });
    expect(errorsOf({ fact: 'a', operator: 'matches', value: '(' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'matches', value: '(a+)+$' })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'matches', value: { fact: 'b' } })).toEqual(['/value operand']);
    expect(errorsOf({ fact: 'a', operator: 'matches', value: 1 })).toEqual(['/value operand']);
  });

  it('refuses trees deeper than 32 levels', () => {
    let c: unknown = { fact: 'a', operator: 'exists' };
    for (let i = 1; i < 32; i++) c = { not: c };
    expect(validateCondition(c)).toEqual({ ok: true });
    const r = validateCondition({ all: [c] });
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors).toEqual([
      { pointer: `/all/0${'/not'.repeat(31)}`, code: 'depth', message: '条件嵌套不能超过 32 层' },
    ]);
    let huge: unknown = { fact: 'a', operator: 'exists' };
    for (let i = 0; i < 100_000; i++) huge = { not: huge };
    expect(validateCondition(huge).ok).toBe(false);
  });

  it('gives zh-CN messages', () => {
    const r = validateCondition({ fact: 'a', operator: 'nope' });
    expect(r).toEqual({
      ok: false,
      errors: [{ pointer: '/operator', code: 'enum', message: '不支持的运算符：nope' }],
    });
  });
});

describe('isFactRef', () => {
  it('recognises exactly {fact: string}', () => {
    expect(isFactRef({ fact: 'a.b' })).toBe(true);
    expect(isFactRef({ fact: 1 })).toBe(false);
    expect(isFactRef({ fact: 'a', x: 1 })).toBe(false);
    expect(isFactRef(['a'])).toBe(false);
    expect(isFactRef(null)).toBe(false);
  });
});
