import { AppError, errors } from '../platform/errors';
import type { RuleSet } from './rule-set';
import type { RuleSetRepository, StoredRuleSet } from './rules.repository';
import { runRuleTests } from './run-tests';
import { validateRuleSet } from './validate-rule-set';

function immutable(code: string, version: number): AppError {
  return errors.conflict('rule_set_published', `规则集 ${code} 第 ${version} 版已发布，不能修改；请新建版本`);
}

/**
 * Saves a draft version (creating it when new). Refuses an invalid rule set (400, zh-CN field errors) and
 * any change to a published version (409 `rule_set_published`).
 */
export async function saveDraft(repo: RuleSetRepository, ruleSet: RuleSet, now: number): Promise<void> {
  const draft: RuleSet = { ...ruleSet, status: 'draft' };
  const problems = validateRuleSet(draft);
  if (problems.length > 0) throw errors.validation(problems);
  if (await repo.updateDraft(draft, now)) return;
  const existing = await repo.get(draft.code, draft.version);
  if (existing !== undefined) throw immutable(draft.code, draft.version);
  await repo.insertDraft(draft, now);
}

/**
 * Publishes a draft: it must be valid and every attached test must pass (run on `now` unless a test pins
 * its day); otherwise 422 `rule_tests_failed` lists the failing tests. A published version never changes.
 */
export async function publishRuleSet(
  repo: RuleSetRepository,
  code: string,
  version: number,
  by: string,
  now: number,
): Promise<StoredRuleSet> {
  const stored = await repo.get(code, version);
  if (stored === undefined)
    throw errors.notFound('rule_set_not_found', `规则集 ${code} 第 ${version} 版不存在`);
  if (stored.ruleSet.status === 'published') throw immutable(code, version);
  const problems = validateRuleSet(stored.ruleSet);
  if (problems.length > 0) throw errors.validation(problems);
  const failures = runRuleTests(stored.ruleSet, { now: new Date(now) });
  if (failures.length > 0) {
    throw new AppError({
      status: 422,
      code: 'rule_tests_failed',
      title: '规则测试未通过，不能发布',
      detail: `共有 ${failures.length} 个测试未通过：${failures.map((f) => f.message).join('；')}`,
      errors: failures,
    });
  }
  if (!(await repo.markPublished(stored.ruleSet, by, now))) throw immutable(code, version);
  return (await repo.get(code, version))!;
}
