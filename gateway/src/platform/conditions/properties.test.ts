import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import conditionSchema from '../../../../config/schemas/condition.schema.json' with { type: 'json' };
import { type Condition, type Facts, OPERATOR_NAMES, validateCondition } from './condition';
import { evaluate, explain } from './evaluate';

const now = new Date('2024-02-29T09:00:00+08:00');
const PATHS = ['a', 'b', 'form.x', 'form.list', 'form.when', 'profile.id'] as const;

// A small vocabulary so that random facts and operands meet often enough for both outcomes to occur.
const scalar = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(
    'x',
    'y',
    '',
    'today',
    '2024-02-28',
    '2024-02-29T08:00:00Z',
    '2006-02-28',
    '11010520060229123X',
  ),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
const operand = fc.oneof(
  { weight: 4, arbitrary: value },
  { weight: 1, arbitrary: fc.record({ fact: fc.constantFrom(...PATHS) }) },
  { weight: 1, arbitrary: fc.constantFrom('^x', '(', '(a+)+', 'x'.repeat(201)) },
);
const test = fc.record(
  { fact: fc.constantFrom(...PATHS), operator: fc.constantFrom(...OPERATOR_NAMES), value: operand },
  { requiredKeys: ['fact', 'operator'] },
);

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'condition' },
    test,
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}));

const facts: fc.Arbitrary<Facts> = fc.record(
  {
    a: value,
    b: value,
    form: fc.record(
      { x: value, list: fc.array(scalar, { maxLength: 3 }), when: value },
      { requiredKeys: [] },
    ),
    profile: fc.record({ id: value }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const schemaValid = new Ajv2020({ strict: false }).compile(conditionSchema);
const ev = (c: Condition, f: Facts) => evaluate(c, f, { now });

describe('condition properties', () => {
  it('generates schema-valid conditions', () => {
    fc.assert(fc.property(condition, (c) => schemaValid(c)));
  });

  it('generates conditions that are true as well as false', () => {
    const outcomes = fc
      .sample(fc.tuple(condition, facts), { numRuns: 500, seed: 1 })
      .map(([c, f]) => ev(c, f));
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => !o).length).toBeGreaterThan(50);
  });

  it('not(c) is the negation of c', () => {
    fc.assert(fc.property(condition, facts, (c, f) => ev({ not: c }, f) === !ev(c, f)));
  });

  it('all of [c] and any of [c] equal c', () => {
    fc.assert(
      fc.property(
        condition,
        facts,
        (c, f) => ev({ all: [c] }, f) === ev(c, f) && ev({ any: [c] }, f) === ev(c, f),
      ),
    );
  });

  it('De Morgan: not(all(a, b)) equals any(not a, not b), and dually', () => {
    fc.assert(
      fc.property(condition, condition, facts, (a, b, f) => {
        expect(ev({ not: { all: [a, b] } }, f)).toBe(ev({ any: [{ not: a }, { not: b }] }, f));
        expect(ev({ not: { any: [a, b] } }, f)).toBe(ev({ all: [{ not: a }, { not: b }] }, f));
      }),
    );
  });

  it('explain agrees with evaluate', () => {
    fc.assert(fc.property(condition, facts, (c, f) => explain(c, f, { now }).result === ev(c, f)));
  });

  it('never throws for arbitrary JSON facts and operands', () => {
    const anyTest = fc.record({
      fact: fc.oneof(
        fc.constantFrom(...PATHS, '__proto__.x', 'constructor', 'a.0.b'),
        fc.stringMatching(/^[a-z]$/),
      ),
      operator: fc.constantFrom(...OPERATOR_NAMES),
      value: fc.jsonValue(),
    });
    const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
      tree: fc.oneof(
        { maxDepth: 3, depthIdentifier: 'tree' },
        anyTest,
        fc.record({ all: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('tree') }),
      ),
    }));
    fc.assert(
      fc.property(
        tree,
        fc.jsonValue(),
        fc.oneof(fc.date(), fc.constant(new Date(Number.NaN))),
        (c, f, at) => {
          expect(schemaValid(c)).toBe(true);
          expect(typeof evaluate(c, f as Facts, { now: at })).toBe('boolean');
          expect(typeof explain(c, f as Facts, { now: at }).result).toBe('boolean');
        },
      ),
    );
  });

  it('validateCondition agrees with the JSON Schema and always locates the problem', () => {
    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom('a', 'a.b', 'equal', 'exists', '1x'),
    );
    const { node } = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 3, depthIdentifier: 'node' },
        junk,
        fc.dictionary(
          fc.constantFrom('all', 'any', 'not', 'fact', 'operator', 'value', 'x'),
          fc.oneof(
            junk,
            tie('node'),
            fc.array(tie('node'), { maxLength: 2 }),
            fc.constantFrom(...OPERATOR_NAMES),
          ),
          { maxKeys: 3 },
        ),
      ),
    }));
    fc.assert(
      fc.property(fc.oneof(node, condition), (json) => {
        const r = validateCondition(json);
        if (r.ok) expect(schemaValid(json)).toBe(true);
        else expect(r.errors.map((e) => e.code)).not.toContain('schema');
      }),
      { numRuns: 500 },
    );
  });
});
