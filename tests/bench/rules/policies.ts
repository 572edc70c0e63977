/**
 * Fifty fictitious eligibility policies over the profile facts (age, social-insurance years, household
 * region, marital status, children, income, …), each one rule with a zh-CN title and labels, combined with
 * all/any/not. Each policy is a rule set of its own (otherwise: not eligible), so evaluating the 50 policies
 * for a subject is exactly 50 rule evaluations in both engines.
 */
import type { Condition } from '../../../gateway/src/platform/conditions';
import type { ConditionLabel, RuleSet } from '../../../gateway/src/rules';
import { LOCAL_REGIONS } from './population';

type Op = Extract<Condition, { operator: unknown }>['operator'];
const t = (fact: string, operator: Op, value?: unknown): Condition =>
  value === undefined ? { fact: `profile.${fact}`, operator } : { fact: `profile.${fact}`, operator, value };
const all = (...c: Condition[]): Condition => ({ all: c });
const any = (...c: Condition[]): Condition => ({ any: c });
const not = (c: Condition): Condition => ({ not: c });

const LOCAL = [...LOCAL_REGIONS];
const URBAN_CORE = ['110101', '110102', '110105', '110106', '110108'];
const OUTER = ['110114', '110115', '110116', '110117', '110119'];
const local = t('householdRegion', 'in', LOCAL);
const alive = not(t('deathDate', 'exists'));
const age = (n: number) => t('birthDate', 'ageAtLeast', n);
const under = (n: number) => t('birthDate', 'ageBelow', n);
const si = (n: number) => t('socialInsurance.years', 'greaterThanInclusive', n);
const income = (n: number) => t('annualIncome', 'lessThan', n);
const kids = (n: number) => t('childrenCount', 'greaterThanInclusive', n);
const married = t('maritalStatus', 'equal', 'married');
const disabled = t('disabled', 'equal', true);
const noHome = t('hasProperty', 'equal', false);

interface Spec {
  title: string;
  when: Condition;
  labels?: Record<string, ConditionLabel>;
}

const SPECS: Spec[] = [
  { title: '城乡居民基本养老金领取', when: all(alive, age(60), si(15), local) },
  {
    title: '城乡居民养老金（缴费不足15年补缴）',
    when: all(alive, age(60), t('socialInsurance.years', 'lessThan', 15), local),
  },
  { title: '80周岁以上高龄津贴', when: all(alive, age(80), local) },
  { title: '90周岁以上高龄津贴', when: all(alive, age(90), local) },
  { title: '百岁老人长寿补贴', when: all(alive, age(100), local) },
  { title: '城市最低生活保障', when: all(alive, local, t('hukouType', 'equal', 'urban'), income(12_000)) },
  { title: '农村最低生活保障', when: all(alive, local, t('hukouType', 'equal', 'rural'), income(9_000)) },
  {
    title: '特困人员救助供养',
    when: all(alive, local, income(6_000), any(age(60), disabled, under(16)), t('childrenCount', 'equal', 0)),
  },
  { title: '困难残疾人生活补贴', when: all(alive, local, disabled, income(20_000)) },
  { title: '重度残疾人护理补贴', when: all(alive, local, disabled, any(age(60), under(18))) },
  {
    title: '失业保险金申领',
    when: all(alive, t('employmentStatus', 'equal', 'unemployed'), si(1), age(16), under(60)),
  },
  {
    title: '失业人员再就业培训补贴',
    when: all(alive, t('employmentStatus', 'equal', 'unemployed'), local, under(50)),
  },
  {
    title: '灵活就业社保补贴',
    when: all(
      alive,
      t('employmentStatus', 'equal', 'flexible'),
      any(age(50), all(t('gender', 'equal', 'F'), age(40))),
      local,
    ),
  },
  {
    title: '高校毕业生就业见习补贴',
    when: all(alive, age(18), under(25), t('employmentStatus', 'in', ['unemployed', 'student'])),
  },
  { title: '公共租赁住房申请', when: all(alive, local, noHome, income(100_000), age(18)) },
  { title: '共有产权住房申购', when: all(alive, local, noHome, any(married, age(30)), si(5)) },
  {
    title: '人才公寓租赁（非本市户籍）',
    when: all(alive, not(local), t('householdRegion', 'exists'), si(3), noHome, under(45)),
  },
  { title: '二孩育儿补贴', when: all(alive, local, kids(2), under(50)) },
  { title: '三孩育儿补贴', when: all(alive, local, kids(3), under(50)) },
  { title: '多子女家庭入学优先', when: all(alive, local, kids(2), income(80_000)) },
  { title: '新婚登记礼包', when: all(alive, married, t('marriageDate', 'dateAfter', '2025-06-01'), local) },
  {
    title: '婚假延长（本年结婚登记）',
    when: all(
      alive,
      married,
      t('marriageDate', 'dateAfter', '2026-01-01'),
      t('employmentStatus', 'equal', 'employed'),
    ),
  },
  { title: '丧偶老人关爱服务', when: all(alive, t('maritalStatus', 'equal', 'widowed'), age(65), local) },
  {
    title: '离异单亲家庭帮扶',
    when: all(alive, t('maritalStatus', 'equal', 'divorced'), kids(1), income(50_000)),
  },
  { title: '城区老年人助餐补贴', when: all(alive, age(70), t('householdRegion', 'in', URBAN_CORE)) },
  { title: '郊区老年人助餐补贴', when: all(alive, age(65), t('householdRegion', 'in', OUTER)) },
  {
    title: '老年人意外伤害保险',
    when: all(alive, age(60), local, not(t('annualIncome', 'greaterThan', 200_000))),
  },
  { title: '退休人员健康体检', when: all(alive, t('employmentStatus', 'equal', 'retired'), si(10)) },
  { title: '儿童医疗保险参保补贴', when: all(alive, under(18), local, income(60_000)) },
  { title: '学前教育资助', when: all(alive, age(3), under(6), local, income(40_000)) },
  { title: '义务教育阶段生活补助', when: all(alive, age(6), under(15), local, income(30_000)) },
  {
    title: '高中阶段国家助学金',
    when: all(alive, age(15), under(19), t('employmentStatus', 'equal', 'student'), income(50_000)),
  },
  {
    title: '大学新生入学资助',
    when: all(alive, age(17), under(21), t('employmentStatus', 'equal', 'student'), income(30_000), local),
  },
  {
    title: '残疾学生教育资助',
    when: all(alive, disabled, under(25), t('employmentStatus', 'equal', 'student')),
  },
  {
    title: '残疾人就业创业扶持',
    when: all(alive, disabled, age(16), under(60), t('employmentStatus', 'notIn', ['employed', 'retired'])),
  },
  { title: '农村户籍养老补贴', when: all(alive, t('hukouType', 'equal', 'rural'), age(60), local) },
  {
    title: '农村危房改造补助',
    when: all(alive, t('hukouType', 'equal', 'rural'), t('hasProperty', 'equal', true), income(15_000)),
  },
  { title: '城乡居民医保缴费资助', when: all(alive, local, any(income(10_000), disabled, age(80))) },
  { title: '临时救助', when: all(alive, local, income(3_000), not(t('hasProperty', 'equal', true))) },
  { title: '冬季取暖补贴', when: all(alive, local, any(age(60), disabled), income(30_000)) },
  { title: '独生子女父母奖励', when: all(alive, local, t('childrenCount', 'equal', 1), age(60)) },
  { title: '计划生育特别扶助', when: all(alive, local, t('childrenCount', 'equal', 0), age(49), married) },
  {
    title: '生育津贴',
    when: all(
      alive,
      t('gender', 'equal', 'F'),
      si(1),
      t('employmentStatus', 'equal', 'employed'),
      under(50),
      kids(1),
    ),
  },
  { title: '社保缴费满25年荣誉证书', when: all(alive, si(25)) },
  { title: '长期护理保险待遇', when: all(alive, any(age(75), disabled), si(15)) },
  { title: '退役军人优待证（示例）', when: all(alive, age(18), t('gender', 'equal', 'M'), local, si(2)) },
  {
    title: '外来务工人员子女入学',
    when: all(alive, not(local), t('householdRegion', 'exists'), si(1), kids(1)),
  },
  { title: '中低收入家庭认定', when: all(alive, local, not(income(12_000)), income(36_000)) },
  {
    title: '遗属待遇（家属已登记死亡）',
    when: all(t('deathDate', 'exists'), t('deathDate', 'dateAfter', '2025-06-01'), si(1)),
  },
  {
    title: '户籍信息缺失核查',
    when: any(not(t('householdRegion', 'exists')), not(t('birthDate', 'exists'))),
  },
];

/** The 50 policies, each a one-rule eligibility rule set with labels. */
export function policies(): RuleSet[] {
  return SPECS.map((spec, i) => {
    const code = `bench-policy-${String(i + 1).padStart(2, '0')}`;
    return {
      code,
      kind: 'eligibility',
      version: 1,
      status: 'published',
      title: spec.title,
      otherwise: { eligible: false },
      factLabels: {
        'profile.birthDate': '出生日期',
        'profile.socialInsurance.years': '社保缴费年限',
        'profile.householdRegion': '户籍所在地',
        'profile.annualIncome': '家庭年收入',
      },
      rules: [
        {
          id: `${code}-grant`,
          priority: 10,
          title: spec.title,
          when: spec.when,
          explain: {
            'profile.socialInsurance.years': { label: '社保缴费年限达标', current: '当前{value}年' },
            'profile.householdRegion': { label: '户籍在本市' },
            'profile.deathDate': { label: '未登记死亡' },
            ...spec.labels,
          },
          outcome: { eligible: true },
        },
      ],
    };
  });
}
