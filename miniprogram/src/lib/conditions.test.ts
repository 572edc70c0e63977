import { describe, expect, it } from 'vitest';
import { evaluate } from './conditions';

const now = new Date('2026-11-27T04:00:00Z');

describe('client conditions', () => {
  it('supports the operators the catalog uses', () => {
    const f = { form: { items: ['household'], n: 3, id: '110105199003079513', d: '2026-11-01', s: '父亲' } };
    expect(evaluate({ fact: 'form.items', operator: 'contains', value: 'household' }, f, now)).toBe(true);
    expect(evaluate({ not: { fact: 'form.items', operator: 'contains', value: 'x' } }, f, now)).toBe(true);
    expect(
      evaluate(
        {
          any: [
            { fact: 'form.s', operator: 'equal', value: '母亲' },
            { fact: 'form.n', operator: 'greaterThanInclusive', value: 3 },
          ],
        },
        f,
        now,
      ),
    ).toBe(true);
    expect(
      evaluate(
        {
          all: [
            { fact: 'form.s', operator: 'notEqual', value: '母亲' },
            { fact: 'form.n', operator: 'lessThan', value: 3 },
          ],
        },
        f,
        now,
      ),
    ).toBe(false);
    expect(evaluate({ fact: 'form.id', operator: 'matches', value: '^[0-9]{16}[13579]' }, f, now)).toBe(true);
    expect(evaluate({ fact: 'form.missing', operator: 'exists', value: false }, f, now)).toBe(true);
    expect(evaluate({ fact: 'form.d', operator: 'dateAfter', value: '2026-10-31' }, f, now)).toBe(true);
    expect(evaluate({ fact: 'form.id', operator: 'ageAtLeast', value: 36 }, f, now)).toBe(true);
    expect(evaluate({ fact: 'form.id', operator: 'ageAtLeast', value: 37 }, f, now)).toBe(false);
  });
});
