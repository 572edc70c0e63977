import { isDeepStrictEqual } from 'node:util';
import type { OperatorContext } from '../platform/conditions';
import type { FieldError } from '../platform/errors';
import { compileRuleSet, contextForDay } from './compile-rule-set';
import type { RuleSet } from './rule-set';

/**
 * Runs every test attached to the rules and returns the failures as field errors (zh-CN, pointing at the
 * test). A test without `today` runs on `ctx.now`. An empty list means every test passed.
 */
export function runRuleTests(ruleSet: RuleSet, ctx: OperatorContext): FieldError[] {
  const compiled = compileRuleSet(ruleSet);
  const failures: FieldError[] = [];
  ruleSet.rules.forEach((rule, i) => {
    rule.tests?.forEach((test, j) => {
      const at = test.today === undefined ? ctx : contextForDay(test.today);
      const problems: string[] = [];
      const { fires, decision } = test.expect;
      const held = compiled.holds(rule.id, test.facts, at);
      if (fires !== undefined && fires !== held) {
        problems.push(fires ? '期望命中本规则，实际未命中' : '期望不命中本规则，实际命中');
      }
      if (decision !== undefined) {
        const { outcome } = compiled.evaluate(test.facts, at);
        for (const [key, want] of Object.entries(decision)) {
          if (!isDeepStrictEqual(outcome[key], want)) {
            problems.push(
              `期望决定的 ${key} 为 ${JSON.stringify(want)}，实际为 ${JSON.stringify(outcome[key]) ?? '空'}`,
            );
          }
        }
      }
      if (problems.length > 0) {
        failures.push({
          pointer: `/rules/${i}/tests/${j}`,
          code: 'rule_test_failed',
          message: `规则 ${rule.id} 的测试「${test.name}」未通过：${problems.join('；')}`,
        });
      }
    });
  });
  return failures;
}
