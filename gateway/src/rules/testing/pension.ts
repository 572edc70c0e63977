import type { RuleSet } from '../rule-set';

/** A small eligibility policy (城乡居民养老保险待遇领取) used across the rules tests. */
export function pensionRuleSet(version = 1): RuleSet {
  return {
    code: 'pension-basic',
    kind: 'eligibility',
    version,
    status: 'draft',
    title: '城乡居民基本养老保险待遇领取',
    otherwise: { eligible: false },
    rules: [
      {
        id: 'deceased',
        priority: 100,
        title: '已登记死亡',
        when: { fact: 'profile.deathDate', operator: 'exists' },
        outcome: { eligible: false },
        tests: [
          {
            name: '已死亡不能领取',
            facts: { profile: { deathDate: '2024-01-02' } },
            expect: { fires: true, decision: { eligible: false } },
          },
        ],
      },
      {
        id: 'grant',
        priority: 10,
        title: '年满60周岁且缴费满15年的本市户籍居民',
        when: {
          all: [
            { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 60 },
            { fact: 'profile.socialInsurance.years', operator: 'greaterThanInclusive', value: 15 },
            { fact: 'profile.householdRegion', operator: 'in', value: ['110105', '110108'] },
          ],
        },
        explain: {
          '/all/0': { label: '年满60周岁', current: '当前{age}周岁' },
          'profile.socialInsurance.years': { label: '社保缴费满15年', current: '当前{value}年' },
          '/all/2': { label: '户籍在本市' },
        },
        outcome: { eligible: true },
        tests: [
          {
            name: '缴费16年、61岁',
            today: '2024-06-01',
            facts: {
              profile: { birthDate: '1963-01-01', socialInsurance: { years: 16 }, householdRegion: '110105' },
            },
            expect: { fires: true, decision: { eligible: true } },
          },
          {
            name: '缴费12年',
            today: '2024-06-01',
            facts: {
              profile: { birthDate: '1963-01-01', socialInsurance: { years: 12 }, householdRegion: '110105' },
            },
            expect: { fires: false, decision: { eligible: false } },
          },
        ],
      },
    ],
  };
}
