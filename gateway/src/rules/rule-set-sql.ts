import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { byPriority, type Outcome, type RuleSet } from './rule-set';
import { conditionToSql, RuleSqlError, type SqlCompileOptions } from './sql-compiler';

/** Whether a decision counts as "selected"; for eligibility, `outcome.eligible === true`. */
export type OutcomeTest = (outcome: Outcome) => boolean;

export const isEligible: OutcomeTest = (outcome) => outcome.eligible === true;

/**
 * The rule set's decision as one SQL predicate: true for the profiles whose deciding rule (the first that
 * holds in priority order, else `otherwise`) passes `selected`. It is a CASE over the rules' compiled
 * conditions, so it agrees with {@link compileRuleSet}'s `evaluate` row by row. Errors point into the rule
 * set (`/rules/2/when/all/0`).
 */
export function ruleSetToSql(
  ruleSet: RuleSet,
  options: SqlCompileOptions,
  selected: OutcomeTest = isEligible,
): RawBuilder<SqlBool> {
  const branches = byPriority(ruleSet.rules).map((rule) => {
    const at = `/rules/${ruleSet.rules.indexOf(rule)}/when`;
    try {
      const when = conditionToSql(rule.when, options);
      return sql`when ${when} then ${sql.lit(selected(rule.outcome) ? 1 : 0)}`;
    } catch (e) {
      if (e instanceof RuleSqlError)
        throw new RuleSqlError(`${at}${e.pointer === '/' ? '' : e.pointer}`, e.message);
      throw e;
    }
  });
  const otherwise = selected(ruleSet.otherwise ?? {}) ? 1 : 0;
  return sql<SqlBool>`(case ${sql.join(branches, sql` `)} else ${sql.lit(otherwise)} end = 1)`;
}
