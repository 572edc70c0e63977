import { describe, expect, it } from 'vitest';
import type { Condition } from './condition';
import { factsReferenced } from './facts-of';

describe('factsReferenced', () => {
  it('lists the facts and fact operands once, in order of first use', () => {
    const c: Condition = {
      all: [
        { fact: 'form.maritalStatus', operator: 'equal', value: 'married' },
        {
          any: [
            { fact: 'form.spouse.birthDate', operator: 'dateBefore', value: { fact: 'form.marriedOn' } },
            { not: { fact: 'form.maritalStatus', operator: 'exists' } },
          ],
        },
      ],
    };
    expect(factsReferenced(c)).toEqual(['form.maritalStatus', 'form.spouse.birthDate', 'form.marriedOn']);
  });

  it('does not read {fact} as a reference where the operator takes a literal', () => {
    const c = { fact: 'form.a', operator: 'matches', value: { fact: 'form.b' } } as unknown as Condition;
    expect(factsReferenced(c)).toEqual(['form.a']);
  });

  it('skips malformed nodes and does not recurse without end', () => {
    const c = { any: [null, { fact: 'x', operator: 'nope' }, { fact: 'ok', operator: 'exists' }] };
    expect(factsReferenced(c as unknown as Condition)).toEqual(['ok']);
    let deep: Condition = { fact: 'deep', operator: 'exists' };
    for (let i = 0; i < 100; i++) deep = { not: deep };
    expect(factsReferenced(deep)).toEqual([]);
  });
});
