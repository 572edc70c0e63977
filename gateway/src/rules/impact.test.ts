import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import type { Database } from '../platform/db/database';
import { simulateImpact } from './impact';
import type { ProfileRow } from './profile-table';
import type { RuleSet } from './rule-set';
import { pensionRuleSet } from './testing/pension';
import { loadProfiles, openRulesDb } from './testing/profile-db';

const now = new Date('2024-06-01T10:00:00+08:00');

function citizen(id: string, years: number | null, birth = '1960-05-01', region = '110105'): ProfileRow {
  return { id_index: id, birth_date: birth, social_insurance_years: years, household_region: region };
}

// Version 2 lowers the contribution floor to 10 years and drops 110108 from the regions.
function version2(): RuleSet {
  const set = pensionRuleSet(2);
  const grant = set.rules[1]!;
  return {
    ...set,
    rules: [
      set.rules[0]!,
      {
        ...grant,
        when: {
          all: [
            { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 60 },
            { fact: 'profile.socialInsurance.years', operator: 'greaterThanInclusive', value: 10 },
            { fact: 'profile.householdRegion', operator: 'equal', value: '110105' },
          ],
        },
        explain: {},
      },
    ],
  };
}

describe(`policy impact simulation (${dialect})`, () => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openRulesDb());
    await loadProfiles(database, [
      citizen('a-eligible-both', 20),
      citizen('b-gains-12y', 12),
      citizen('c-gains-10y', 10),
      citizen('d-loses-region', 20, '1960-05-01', '110108'),
      citizen('e-never-9y', 9),
      citizen('f-too-young', 20, '1964-06-02'),
      citizen('g-no-data', null),
      { ...citizen('h-deceased', 12), death_date: '2024-01-01' },
      citizen('i-other-district', 12, '1960-05-01', '310101'),
    ]);
  });
  afterAll(async () => close?.());

  it('reports who gains and who loses eligibility', async () => {
    const report = await simulateImpact(database.db, pensionRuleSet(1), version2(), { now, sampleSize: 5 });
    expect(report).toEqual({
      population: 9,
      before: 2,
      after: 3,
      gained: { count: 2, sample: ['b-gains-12y', 'c-gains-10y'] },
      lost: { count: 1, sample: ['d-loses-region'] },
    });
  });

  it('restricts the population and caps the sample', async () => {
    const report = await simulateImpact(database.db, pensionRuleSet(1), version2(), {
      now,
      sampleSize: 1,
      population: { fact: 'profile.householdRegion', operator: 'equal', value: '110105' },
    });
    expect(report).toEqual({
      population: 7,
      before: 1,
      after: 3,
      gained: { count: 2, sample: ['b-gains-12y'] },
      lost: { count: 0, sample: [] },
    });
  });

  it('reports nothing for an unchanged policy', async () => {
    const report = await simulateImpact(database.db, pensionRuleSet(1), pensionRuleSet(2), { now });
    expect(report.gained).toEqual({ count: 0, sample: [] });
    expect(report.lost).toEqual({ count: 0, sample: [] });
  });
});
