import { describe, expect, it } from 'vitest';
import { compileRuleSet, contextForDay } from './compile-rule-set';
import { explainRuleSet } from './explain-rule-set';
import type { RuleSet } from './rule-set';
import { pensionRuleSet } from './testing/pension';

const ctx = contextForDay('2024-06-01');
const pension = compileRuleSet(pensionRuleSet());
const person = (years: number | undefined, extra: Record<string, unknown> = {}) => ({
  profile: { birthDate: '1963-01-01', socialInsurance: { years }, householdRegion: '110105', ...extra },
});

describe('explainRuleSet', () => {
  it('lists what is missing with the current value', () => {
    const e = explainRuleSet(pension, person(12), ctx);
    expect(e.decision.outcome).toEqual({ eligible: false });
    expect(e.missing).toEqual(['社保缴费满15年，当前12年']);
    expect(e.summary).toBe('还差：社保缴费满15年，当前12年');
    expect(e.rules[1]!.reasons).toEqual([
      '已满足：年满60周岁（当前61周岁）',
      '未满足：社保缴费满15年，当前12年',
      '已满足：户籍在本市（当前为北京市朝阳区）',
    ]);
  });

  it('names what is missing for the granting rule the subject is closest to, not the first one', () => {
    const set: RuleSet = {
      code: 'retire',
      kind: 'eligibility',
      version: 1,
      status: 'published',
      otherwise: { eligible: false },
      rules: [
        {
          id: 'men',
          priority: 2,
          when: {
            all: [
              { fact: 'profile.gender', operator: 'equal', value: '男' },
              { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 60 },
            ],
          },
          explain: { '/all/0': { label: '男性' }, '/all/1': { label: '年满60周岁' } },
          outcome: { eligible: true },
        },
        {
          id: 'women',
          priority: 1,
          when: {
            all: [
              { fact: 'profile.gender', operator: 'equal', value: '女' },
              { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 55 },
            ],
          },
          explain: { '/all/0': { label: '女性' }, '/all/1': { label: '年满55周岁' } },
          outcome: { eligible: true },
        },
      ],
    };
    const e = explainRuleSet(
      compileRuleSet(set),
      { profile: { gender: '女', birthDate: '1970-01-01' } },
      ctx,
    );
    expect(e.missing).toEqual(['年满55周岁，当前54周岁']);
    expect(e.summary).toBe('还差：年满55周岁，当前54周岁');
  });

  it('says a missing fact is missing', () => {
    const e = explainRuleSet(pension, { profile: { householdRegion: '310101' } }, ctx);
    expect(e.missing).toEqual([
      '年满60周岁，暂无该项信息',
      '社保缴费满15年，暂无该项信息',
      '户籍在本市，当前为上海市黄浦区',
    ]);
  });

  it('explains a grant and a blocking rule', () => {
    expect(explainRuleSet(pension, person(16), ctx)).toMatchObject({
      fired: ['grant'],
      missing: [],
      summary: '符合条件：年满60周岁且缴费满15年的本市户籍居民',
    });
    const dead = explainRuleSet(pension, person(16, { deathDate: '2024-05-01' }), ctx);
    expect(dead.fired).toEqual(['deceased', 'grant']);
    expect(dead.summary).toBe('不符合条件：已登记死亡');
    expect(dead.missing).toEqual([]);
  });

  it('returns the labelled condition tree', () => {
    const trace = explainRuleSet(pension, person(12), ctx).rules[1]!.trace;
    expect(trace).toMatchObject({ kind: 'all', result: false, label: '以下条件全部满足' });
    expect(trace.children![1]).toMatchObject({
      pointer: '/all/1',
      kind: 'test',
      result: false,
      label: '社保缴费满15年',
      current: '当前12年',
      fact: 'profile.socialInsurance.years',
      operator: 'greaterThanInclusive',
      value: 15,
      actual: 12,
    });
  });

  it('generates labels, reads negations and any-of groups', () => {
    const set: RuleSet = {
      code: 'housing-subsidy',
      kind: 'eligibility',
      version: 1,
      status: 'draft',
      factLabels: { 'form.income': '家庭月收入' },
      rules: [
        {
          id: 'grant',
          priority: 1,
          when: {
            all: [
              { not: { fact: 'profile.hasProperty', operator: 'equal', value: true } },
              {
                any: [
                  { fact: 'profile.maritalStatus', operator: 'equal', value: '已婚' },
                  { fact: 'profile.birthDate', operator: 'ageAtLeast', value: 35 },
                ],
              },
              { fact: 'form.income', operator: 'lessThan', value: 5000 },
            ],
          },
          explain: { '/all/1': { label: '已婚或年满35周岁' } },
          outcome: { eligible: true },
        },
      ],
    };
    expect(
      explainRuleSet(compileRuleSet(set), { profile: { maritalStatus: '未婚' } }, ctx).missing,
    ).toContain('已婚或年满35周岁');
    const unlabelled = { ...set, rules: [{ ...set.rules[0]!, explain: {} }] };
    const e = explainRuleSet(
      compileRuleSet(unlabelled),
      {
        profile: { hasProperty: true, maritalStatus: '未婚', birthDate: '1995-07-01' },
        form: { income: 4000 },
      },
      ctx,
    );
    expect(e.missing).toEqual([
      '名下有住房为否，当前为是',
      '以下任一项：婚姻状况为已婚，当前为未婚；或年满35周岁，当前28周岁',
    ]);
    expect(e.rules[0]!.reasons).toContain('已满足：家庭月收入小于5000（当前为4000）');
  });

  it('explains rules of other kinds per rule', () => {
    const set: RuleSet = {
      code: 'birth-allowance-review',
      kind: 'pre-review',
      version: 1,
      status: 'draft',
      rules: [
        {
          id: 'certificate',
          priority: 1,
          title: '缺少出生医学证明',
          when: { fact: 'materials.birthCertificate', operator: 'exists', value: false },
          outcome: { hints: [{ material: 'birth-certificate', message: '请上传出生医学证明' }] },
        },
      ],
    };
    const e = explainRuleSet(compileRuleSet(set), { materials: {} }, ctx);
    expect(e.summary).toBe('适用规则：缺少出生医学证明');
    expect(e.decision.outcome.hints).toEqual([
      { material: 'birth-certificate', message: '请上传出生医学证明' },
    ]);
    expect(e.rules[0]!.reasons).toEqual(['已满足：无materials.birthCertificate（暂无该项信息）']);
  });
});
