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

  it('answers like evaluate on profile-shaped facts, with the operands the steps specialise', () => {
    // Dates and ages around their edges (29 February, the day before and after "today"), lists with null
    // and numbers, fractional years, date-times: the cases where a specialised step could drift from the
    // operator table. One compiled condition is asked on several days in turn (ages remember their bound).
    const day = fc.constantFrom(
      '1964-02-29',
      '1964-03-01',
      '1965-02-28',
      '2006-02-28',
      '2006-03-01',
      '2023-02-28',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2025-02-28',
      '2025-03-01',
      '1964-12-31',
      '2014-10-15',
      '2014-10-16',
      '11010520060229123X',
      '2024-02-29T08:00:00Z',
      '2024-02-28 23:59',
      'x',
    );
    const value = fc.oneof(
      day,
      fc.integer({ min: -2, max: 70 }),
      fc.constantFrom('a', '', 'b'),
      fc.constantFrom(Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      fc.boolean(),
    );
    const fact = fc.constantFrom('profile.a', 'profile.b', 'profile.c.d', 'form.a', 'profile');
    const literal = fc.oneof(
      value,
      fc.constant(null),
      fc.constant('today'),
      fc.constantFrom(17.5, 0, 60, 2100, -1, Number.POSITIVE_INFINITY),
      fc.array(fc.oneof(value, fc.constant(null)), { maxLength: 4 }),
      fc.record({ fact }),
    );
    const leaf = fc.record(
      { fact, operator: fc.constantFrom(...OPS), value: literal },
      { requiredKeys: ['fact', 'operator'] },
    );
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 4 }) }),
        fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 4 }) }),
        fc.record({ not: tie('tree') }),
      ),
    }));
    const profile = fc.record(
      {
        a: fc.oneof(value, fc.constant(null)),
        b: fc.oneof(value, fc.constant(null)),
        c: fc.record({ d: value }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    const subject = fc.record(
      { profile, form: fc.record({ a: value }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    );
    const days = [
      new Date('2024-02-29T09:00:00+08:00'),
      new Date('2025-02-28T23:30:00+08:00'),
      new Date('2025-03-01T00:10:00+08:00'),
      new Date('2024-02-28T16:30:00Z'),
      new Date('2024-10-15T12:00:00+08:00'),
      new Date('2025-12-31T23:59:00+08:00'),
    ];
    fc.assert(
      fc.property(tree, fc.array(subject, { minLength: 1, maxLength: 4 }), (c, subjects) => {
        const compiled = compileCondition(c as Condition);
        for (const at of days) {
          for (const f of subjects) {
            expect(compiled(f as Facts, { now: at })).toBe(evaluate(c as Condition, f as Facts, { now: at }));
          }
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('takes ages and dates like the operator table on any day', () => {
    const dayString = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    const day = fc.integer({ min: -25_000, max: 22_000 }).map(dayString);
    const instant = fc
      .integer({ min: -25_000 * 86_400, max: 22_000 * 86_400 })
      .map((s) => new Date(s * 1000));
    const years = fc.oneof(fc.integer({ min: -1, max: 130 }), fc.double({ min: 0, max: 130, noNaN: true }));
    fc.assert(
      fc.property(day, instant, years, day, (birth, at, n, other) => {
        const facts = { profile: { birthDate: birth } };
        for (const c of [
          { fact: 'profile.birthDate', operator: 'ageAtLeast', value: n },
          { fact: 'profile.birthDate', operator: 'ageBelow', value: n },
          { fact: 'profile.birthDate', operator: 'dateBefore', value: other },
          { fact: 'profile.birthDate', operator: 'dateAfter', value: 'today' },
        ] as Condition[]) {
          expect(compileCondition(c)(facts, { now: at })).toBe(evaluate(c, facts, { now: at }));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('never reads through __proto__', () => {
    const polluted = compileCondition({ fact: '__proto__.toString', operator: 'exists', value: true });
    expect(polluted({})).toBe(false);
  });
});
