import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition } from './compile';
import { type Condition, type Facts, OPERATOR_NAMES } from './condition';
import { evaluate } from './evaluate';

const now = new Date('2024-02-29T09:00:00+08:00');
const PATHS = ['a', 'b', 'form.x', 'form.list', 'form.when', 'profile.id', '__proto__.x'];
const OPS = [...OPERATOR_NAMES];
const scalar = fc.oneof(
  fc.integer({ min: -5, max: 120 }),
  fc.constantFrom('a', 'b', 'today', '2024-02-29', '2000-01-01', '^a'),
  fc.boolean(),
  fc.constant(null),
);
const operand = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.record({ fact: fc.constantFrom(...PATHS) }),
);
const test = fc.record({
  fact: fc.constantFrom(...PATHS),
  operator: fc.constantFrom(...OPS),
  value: operand,
});
const { condition } = fc.letrec<{ condition: unknown }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small' },
    test,
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
    fc.constant({ all: [] }),
    fc.constant({ bogus: 1 }),
  ),
}));
const facts = fc.record({
  a: scalar,
  b: fc.oneof(scalar, fc.array(scalar)),
  form: fc.record(
    { x: scalar, list: fc.array(scalar), when: fc.constantFrom('2024-01-01', '2023-12-31T10:00:00', 'x') },
    { requiredKeys: [] },
  ),
  profile: fc.record(
    { id: fc.constantFrom('11010519900307123X', '1990-03-07', 'bad') },
    { requiredKeys: [] },
  ),
});

describe('compileCondition', () => {
  it('answers exactly like evaluate for any condition tree and facts', () => {
    fc.assert(
      fc.property(condition, facts, (c, f) => {
        expect(compileCondition(c as Condition)(f as Facts, { now })).toBe(
          evaluate(c as Condition, f as Facts, { now }),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('never reads through __proto__', () => {
    const polluted = compileCondition({ fact: '__proto__.toString', operator: 'exists', value: true });
    expect(polluted({})).toBe(false);
  });
});
