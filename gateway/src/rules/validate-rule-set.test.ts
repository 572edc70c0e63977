import { describe, expect, it } from 'vitest';
import type { RuleSet } from './rule-set';
import { pensionRuleSet } from './testing/pension';
import { validateRuleSet } from './validate-rule-set';

describe('validateRuleSet', () => {
  it('accepts a well-formed rule set', () => {
    expect(validateRuleSet(pensionRuleSet())).toEqual([]);
  });

  it('reports schema problems in zh-CN with pointers', () => {
    const errors = validateRuleSet({ ...pensionRuleSet(), kind: 'lottery', version: 0 });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/kind', message: '规则类型的取值不在允许范围内' }),
        expect.objectContaining({ pointer: '/version', message: '版本号不能小于 1' }),
      ]),
    );
  });

  it('checks conditions, duplicate ids, label pointers and outcomes by kind', () => {
    const set = pensionRuleSet();
    const [deceased, grant] = set.rules as [RuleSet['rules'][number], RuleSet['rules'][number]];
    const broken: RuleSet = {
      ...set,
      rules: [
        {
          ...deceased,
          when: { fact: 'profile.socialInsurance.years', operator: 'greaterThan', value: '15' },
        },
        { ...grant, id: 'deceased', explain: { '/all/9': { label: '不存在' } }, outcome: { note: 'x' } },
      ],
    };
    expect(validateRuleSet(broken)).toEqual([
      { pointer: '/rules/0/when/value', code: 'operand', message: '比较值应为数字' },
      { pointer: '/rules/1/id', code: 'duplicate', message: '规则编号重复：deceased' },
      {
        pointer: '/rules/1/explain',
        code: 'label_pointer',
        message: '条件说明 /all/9 没有指向本规则中的条件',
      },
      {
        pointer: '/rules/1/outcome/eligible',
        code: 'required',
        message: '资格规则的结果须写明是否符合条件（eligible）',
      },
    ]);
  });

  it('requires pre-review hints to name a field or a material', () => {
    const set: RuleSet = {
      code: 'birth-allowance-review',
      kind: 'pre-review',
      version: 1,
      status: 'draft',
      rules: [
        {
          id: 'no-certificate',
          priority: 1,
          when: { fact: 'materials.birthCertificate', operator: 'exists', value: false },
          outcome: { hints: [{ message: '请上传出生医学证明' }] },
        },
      ],
    };
    expect(validateRuleSet(set)).toEqual([
      {
        pointer: '/rules/0/outcome/hints/0',
        code: 'target',
        message: '修改提示须指明表单字段（field）或材料（material）',
      },
    ]);
  });
});
