import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { AppError } from '../platform/errors';
import type { RuleSet } from './rule-set';
import { RuleSetRepository } from './rules.repository';
import { publishRuleSet, saveDraft } from './rules.service';
import { pensionRuleSet } from './testing/pension';
import { openRulesDb } from './testing/profile-db';

const T0 = 1_780_000_000_000;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe(`rule set publishing (${dialect})`, () => {
  let repo: RuleSetRepository;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openRulesDb();
    close = opened.close;
    repo = new RuleSetRepository(opened.database.db);
  });
  afterAll(async () => close?.());

  it('refuses to publish while an attached test fails, listing it in zh-CN', async () => {
    const set = pensionRuleSet(1);
    const grant = set.rules[1]!;
    const [age, , region] = (grant.when as { all: RuleSet['rules'][number]['when'][] }).all;
    const lowered = {
      fact: 'profile.socialInsurance.years',
      operator: 'greaterThanInclusive' as const,
      value: 10,
    };
    const wrong: RuleSet = {
      ...set,
      rules: [set.rules[0]!, { ...grant, when: { all: [age!, lowered, region!] } }],
    };
    await saveDraft(repo, wrong, T0);
    const e = await refusal(publishRuleSet(repo, 'pension-basic', 1, 's-li', T0 + 1));
    expect(e).toMatchObject({ status: 422, code: 'rule_tests_failed', title: '规则测试未通过，不能发布' });
    expect(e.errors).toEqual([
      {
        pointer: '/rules/1/tests/1',
        code: 'rule_test_failed',
        message:
          '规则 grant 的测试「缴费12年」未通过：期望不命中本规则，实际命中；期望决定的 eligible 为 false，实际为 true',
      },
    ]);
    expect((await repo.get('pension-basic', 1))?.ruleSet.status).toBe('draft');
  });

  it('publishes once the tests pass, and then never changes the version', async () => {
    await saveDraft(repo, pensionRuleSet(1), T0 + 2);
    const published = await publishRuleSet(repo, 'pension-basic', 1, 's-li', T0 + 3);
    expect(published).toMatchObject({
      publishedAt: T0 + 3,
      publishedBy: 's-li',
      ruleSet: { status: 'published' },
    });
    expect(await refusal(saveDraft(repo, { ...pensionRuleSet(1), title: '改' }, T0 + 4))).toMatchObject({
      status: 409,
      code: 'rule_set_published',
      detail: '规则集 pension-basic 第 1 版已发布，不能修改；请新建版本',
    });
    expect((await refusal(publishRuleSet(repo, 'pension-basic', 1, 's-li', T0 + 5))).code).toBe(
      'rule_set_published',
    );
    expect(await repo.updateDraft(pensionRuleSet(1), T0 + 6)).toBe(false);
    expect((await repo.get('pension-basic', 1))?.ruleSet).toEqual({
      ...pensionRuleSet(1),
      status: 'published',
    });
  });

  it('keeps the published version while the next one is drafted', async () => {
    await saveDraft(repo, { ...pensionRuleSet(2), title: '第二版' }, T0 + 7);
    expect((await repo.latestPublished('pension-basic'))?.ruleSet.version).toBe(1);
    await publishRuleSet(repo, 'pension-basic', 2, 's-li', T0 + 8);
    expect((await repo.latestPublished('pension-basic'))?.ruleSet).toMatchObject({
      version: 2,
      title: '第二版',
    });
  });

  it('refuses an invalid draft and an unknown version', async () => {
    const e = await refusal(saveDraft(repo, { ...pensionRuleSet(3), rules: [] }, T0));
    expect(e.errors).toEqual([expect.objectContaining({ pointer: '/rules', message: '规则至少需要 1 项' })]);
    expect((await refusal(publishRuleSet(repo, 'pension-basic', 9, 's-li', T0))).status).toBe(404);
  });
});
