import { describe, expect, it } from 'vitest';
import type { Condition, Facts } from './condition';
import { evaluate, explain, getFact } from './evaluate';

const now = new Date('2024-06-15T12:00:00+08:00');
const facts: Facts = {
  form: {
    maritalStatus: 'married',
    age: 30,
    spouseAge: 28,
    marriedOn: '2020-05-20',
    children: [{ name: '小明', birthDate: '2010-03-01' }],
    tags: ['low-income'],
  },
  profile: { idNumber: '11010519900615123X' },
};

describe('getFact', () => {
  it('follows dotted paths through objects and arrays', () => {
    expect(getFact(facts, 'form.maritalStatus')).toBe('married');
    expect(getFact(facts, 'form.children.0.name')).toBe('小明');
    expect(getFact(facts, 'form.children.1.name')).toBeUndefined();
    expect(getFact(facts, 'form.maritalStatus.length')).toBeUndefined();
    expect(getFact(facts, 'nothing.here')).toBeUndefined();
    expect(getFact({}, 'a')).toBeUndefined();
  });
  it('never walks into the prototype chain', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"constructor": {"prototype": 1}}}');
    expect(getFact(hostile, '__proto__.polluted')).toBeUndefined();
    expect(getFact(hostile, '__proto__')).toBeUndefined();
    expect(getFact(hostile, 'a.constructor.prototype')).toBeUndefined();
    expect(getFact({}, 'constructor.name')).toBeUndefined();
    expect(getFact({}, 'toString')).toBeUndefined();
    expect(getFact({}, 'hasOwnProperty')).toBeUndefined();
  });
});

describe('evaluate', () => {
  it('evaluates a leaf', () => {
    expect(evaluate({ fact: 'form.maritalStatus', operator: 'equal', value: 'married' }, facts)).toBe(true);
    expect(evaluate({ fact: 'form.maritalStatus', operator: 'equal', value: 'single' }, facts)).toBe(false);
  });

  it('nests all, any and not', () => {
    const c: Condition = {
      all: [
        { fact: 'form.maritalStatus', operator: 'in', value: ['married', 'remarried'] },
        {
          any: [
            { fact: 'form.tags', operator: 'contains', value: 'disabled' },
            { not: { fact: 'form.age', operator: 'lessThan', value: 18 } },
          ],
        },
      ],
    };
    expect(evaluate(c, facts)).toBe(true);
    expect(evaluate(c, { form: { ...(facts.form as object), age: 17 } })).toBe(false);
    expect(evaluate({ not: c }, facts)).toBe(false);
    expect(evaluate({ not: { not: c } }, facts)).toBe(true);
  });

  it('compares with another fact', () => {
    expect(
      evaluate({ fact: 'form.age', operator: 'greaterThan', value: { fact: 'form.spouseAge' } }, facts),
    ).toBe(true);
    expect(evaluate({ fact: 'form.age', operator: 'equal', value: { fact: 'form.spouseAge' } }, facts)).toBe(
      false,
    );
    expect(
      evaluate(
        { fact: 'form.children.0.birthDate', operator: 'dateAfter', value: { fact: 'form.marriedOn' } },
        facts,
      ),
    ).toBe(false);
    expect(evaluate({ fact: 'form.tags', operator: 'contains', value: { fact: 'missing' } }, facts)).toBe(
      false,
    );
    expect(evaluate({ fact: 'form.age', operator: 'in', value: { fact: 'form.tags' } }, facts)).toBe(false);
    // Born 1990-06-15, so 34 on `now`.
    const ageVs = (years: string) => ({
      fact: 'profile.idNumber',
      operator: 'ageAtLeast',
      value: { fact: years },
    });
    expect(evaluate(ageVs('form.age') as Condition, facts, { now })).toBe(true);
    expect(evaluate(ageVs('form.maritalStatus') as Condition, facts, { now })).toBe(false);
  });

  it('resolves ages and "today" against options.now', () => {
    const c: Condition = { fact: 'profile.idNumber', operator: 'ageAtLeast', value: 34 };
    expect(evaluate(c, facts, { now })).toBe(true);
    expect(evaluate(c, facts, { now: new Date('2024-06-14T12:00:00+08:00') })).toBe(false);
    expect(evaluate({ fact: 'form.marriedOn', operator: 'dateBefore', value: 'today' }, facts, { now })).toBe(
      true,
    );
  });

  it('copes with empty facts', () => {
    expect(evaluate({ fact: 'form.age', operator: 'greaterThan', value: 1 }, {})).toBe(false);
    expect(evaluate({ fact: 'form.age', operator: 'exists', value: false }, {})).toBe(true);
    expect(evaluate({ fact: 'form.age', operator: 'exists' }, {})).toBe(false);
    expect(evaluate({ fact: 'form.age', operator: 'notEqual', value: 1 }, {})).toBe(true);
  });

  it('does not see polluting paths', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Facts;
    expect(evaluate({ fact: '__proto__.polluted', operator: 'equal', value: true }, hostile)).toBe(false);
    expect(evaluate({ fact: '__proto__.polluted', operator: 'exists', value: true }, hostile)).toBe(false);
    expect(evaluate({ fact: 'constructor.name', operator: 'equal', value: 'Object' }, {})).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is false for a malformed condition, even under not', () => {
    const bad: unknown[] = [
      null,
      'x',
      [],
      {},
      { all: [] },
      { any: 'x' },
      { all: [{ fact: 'a', operator: 'equal', value: 1 }], any: [] },
      { fact: 'a', operator: 'like', value: 1 },
      { fact: 1, operator: 'equal', value: 1 },
    ];
    for (const c of bad) {
      expect(evaluate(c as unknown as Condition, { a: 1 }), JSON.stringify(c)).toBe(false);
      expect(evaluate({ not: c } as unknown as Condition, { a: 1 }), `not ${JSON.stringify(c)}`).toBe(false);
    }
  });

  it('stops at depth 32', () => {
    const leaf: Condition = { fact: 'a', operator: 'equal', value: 1 };
    const nest = (levels: number): Condition => {
      let c: Condition = leaf;
      for (let i = 1; i < levels; i++) c = { all: [c] };
      return c;
    };
    expect(evaluate(nest(32), { a: 1 })).toBe(true);
    expect(evaluate(nest(33), { a: 1 })).toBe(false);
    let deepNot: Condition = leaf;
    for (let i = 0; i < 1000; i++) deepNot = { not: deepNot };
    expect(evaluate(deepNot, { a: 1 })).toBe(false);
    expect(evaluate({ not: deepNot }, { a: 1 })).toBe(false);
  });

  it('never throws on facts that are not plain data', () => {
    const trap = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    expect(evaluate({ fact: 'a', operator: 'exists', value: false }, trap)).toBe(false);
  });
});

describe('explain', () => {
  it('annotates every node with its result, including the ones evaluate skips', () => {
    const c: Condition = {
      any: [
        { fact: 'form.age', operator: 'greaterThanInclusive', value: 18 },
        { not: { fact: 'form.age', operator: 'lessThan', value: { fact: 'form.spouseAge' } } },
      ],
    };
    expect(explain(c, facts)).toEqual({
      any: [
        { fact: 'form.age', operator: 'greaterThanInclusive', value: 18, actual: 30, result: true },
        {
          not: {
            fact: 'form.age',
            operator: 'lessThan',
            value: { fact: 'form.spouseAge' },
            actual: 30,
            operand: 28,
            result: false,
          },
          result: true,
        },
      ],
      result: true,
    });
  });

  it('marks malformed nodes and agrees with evaluate', () => {
    const c = {
      all: [
        { fact: 'a', operator: 'equal', value: 1 },
        { fact: 'a', operator: 'like' },
      ],
    };
    const e = explain(c as unknown as Condition, { a: 1 });
    expect(e.result).toBe(false);
    expect(e).toMatchObject({ all: [{ result: true }, { error: '不支持的运算符：like', result: false }] });
    expect(evaluate(c as unknown as Condition, { a: 1 })).toBe(false);
  });

  it('omits value when a test has none', () => {
    expect(explain({ fact: 'a', operator: 'exists' }, { a: 'x' })).toEqual({
      fact: 'a',
      operator: 'exists',
      actual: 'x',
      result: true,
    });
  });
});
