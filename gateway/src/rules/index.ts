/**
 * Rules: versioned rule sets over facts in the shared condition language (platform/conditions), with
 * two evaluators of one meaning — compiled in-process functions for one subject ({@link compileRuleSet},
 * {@link explainRuleSet}) and SQL predicates over the profile table for batch targeting
 * ({@link conditionToSql}, {@link ruleSetToSql}, {@link simulateImpact}). Published versions are immutable
 * and are published only when their attached tests pass ({@link publishRuleSet}).
 *
 * @example
 * const pension = compileRuleSet(ruleSet);
 * pension.evaluate(facts, { now }).outcome;           // fast: no allocation per call
 * explainRuleSet(pension, facts, { now }).summary;    // 「还差：社保缴费满15年，当前12年」
 * db.selectFrom('citizen_profile as p').select('p.id_index').where(ruleSetToSql(ruleSet, { now }));
 */
export { type CompiledRuleSet, compileRuleSet, contextForDay, type Decision } from './compile-rule-set';
export {
  type ConditionTrace,
  explainRuleSet,
  type RuleExplanation,
  type RuleSetExplanation,
} from './explain-rule-set';
export { type ImpactGroup, type ImpactOptions, type ImpactReport, simulateImpact } from './impact';
export {
  type ColumnKind,
  PROFILE_COLUMNS,
  PROFILE_FACTS,
  PROFILE_TABLE,
  type ProfileColumn,
  type ProfileRow,
  profileFacts,
  toProfileRow,
} from './profile-table';
export {
  byPriority,
  type ConditionLabel,
  type Hint,
  type Outcome,
  RULE_KINDS,
  type Rule,
  type RuleKind,
  type RuleSet,
  type RuleSetStatus,
  type RuleTest,
} from './rule-set';
export { isEligible, type OutcomeTest, ruleSetToSql } from './rule-set-sql';
export { rulesMigrations } from './rules.migrations';
export { RuleSetRepository, type StoredRuleSet } from './rules.repository';
export { publishRuleSet, saveDraft } from './rules.service';
export { runRuleTests } from './run-tests';
export { conditionToSql, RuleSqlError, type SqlCompileOptions } from './sql-compiler';
export { type RetargetOptions, type RetargetResult, retarget, TARGETS_TABLE } from './targeting';
export { validateRuleSet } from './validate-rule-set';
