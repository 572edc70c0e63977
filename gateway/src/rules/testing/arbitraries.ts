import fc from 'fast-check';
import type { Condition } from '../../platform/conditions';
import { type ColumnKind, PROFILE_COLUMNS, type ProfileRow } from '../profile-table';

// Small vocabularies around the edges that matter: leap days, the day before and after "today", trailing
// spaces, empty strings, date-like text, wrong types, so that both outcomes and every null path occur.
export const NOWS = [
  new Date('2024-02-29T09:00:00+08:00'),
  new Date('2023-02-28T23:30:00+08:00'),
  new Date('2025-03-01T00:10:00+08:00'),
  new Date('2024-12-31T16:30:00Z'),
];

const EDGE_DATES = [
  '1964-02-29',
  '1964-03-01',
  '1965-02-28',
  '1959-03-01',
  '1963-12-31',
  '2006-02-28',
  '2006-03-01',
  '2023-02-28',
  '2024-02-29',
  '2025-01-01',
  '2025-02-28',
  '2025-03-01',
];
const dateArb = fc.oneof(
  fc.constantFrom(...EDGE_DATES),
  fc.integer({ min: -25_000, max: 22_000 }).map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)),
);
const TEXTS = [
  'male',
  'female',
  'male ',
  'Male',
  '',
  ' ',
  '110105',
  '1101',
  'married',
  '已婚',
  'a',
  '2024-02-29',
];
const textArb = fc.constantFrom(...TEXTS);
const intArb = fc.oneof(fc.integer({ min: -2, max: 30 }), fc.constantFrom(0, 15, 100_000, 2_000_000_000));

export const valueOfKind: Record<ColumnKind, fc.Arbitrary<unknown>> = {
  date: dateArb,
  text: textArb,
  integer: intArb,
  boolean: fc.boolean(),
};

/** A profile row with every column independently NULL or a value of its kind. */
export const profileArb: fc.Arbitrary<Omit<ProfileRow, 'id_index'>> = fc.record(
  Object.fromEntries(
    PROFILE_COLUMNS.map((c) => [c.column, fc.option(valueOfKind[c.kind], { nil: null, freq: 4 })]),
  ),
) as fc.Arbitrary<Omit<ProfileRow, 'id_index'>>;

export function withIds(rows: Omit<ProfileRow, 'id_index'>[]): ProfileRow[] {
  return rows.map((r, i) => ({ ...r, id_index: `c${String(i).padStart(5, '0')}` }));
}

const facts = PROFILE_COLUMNS.map((c) => c.fact);
const factRef = fc.constantFrom(...facts).map((fact) => ({ fact }));
const scalar = fc.oneof(
  dateArb,
  textArb,
  intArb,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(12.5, -0.5),
);
const anyOperand = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: factRef },
);
const list = fc.oneof(
  { weight: 6, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: factRef },
);
const number = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(intArb, fc.constantFrom(12.5, -0.5)) },
  { weight: 1, arbitrary: factRef },
);
const years = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(0, 17.5, 60, 2100));
const date = fc.oneof(
  { weight: 5, arbitrary: fc.oneof(dateArb, fc.constant('today')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2024-02-29T08:00:00Z', '2024-02-28T16:00:00Z', '2025-02-28 23:59'),
  },
  { weight: 1, arbitrary: factRef },
);

const fact = fc.constantFrom(...facts);
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ fact, operator: fc.constantFrom('equal', 'notEqual', 'contains'), value: anyOperand }),
  fc.record({ fact, operator: fc.constantFrom('in', 'notIn'), value: list }),
  fc.record({
    fact,
    operator: fc.constantFrom('lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'),
    value: number,
  }),
  fc.record(
    { fact, operator: fc.constant('exists'), value: fc.boolean() },
    { requiredKeys: ['fact', 'operator'] },
  ),
  fc.record({ fact, operator: fc.constantFrom('dateBefore', 'dateAfter'), value: date }),
  fc.record({ fact, operator: fc.constantFrom('ageAtLeast', 'ageBelow'), value: years }),
) as fc.Arbitrary<Condition>;

/** Random condition trees over the mapped facts and every operator the SQL compiler takes. */
export const { condition: conditionArb } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'condition' },
    { weight: 3, arbitrary: leaf },
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
}));
