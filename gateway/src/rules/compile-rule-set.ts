import {
  type CompiledCondition,
  compileCondition,
  compileFirst,
  type Facts,
  type OperatorContext,
} from '../platform/conditions';
import { byPriority, type Outcome, type Rule, type RuleSet } from './rule-set';

/** The rule that decided (undefined when none held and `otherwise` applied) and its outcome. */
export interface Decision {
  readonly rule: Rule | undefined;
  readonly outcome: Outcome;
}

/**
 * A rule set compiled once into synchronous functions. `evaluate` allocates nothing when a context is
 * passed (decisions are built at compile time), so one compiled set serves every subject of a batch.
 */
export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  /** The rules in evaluation order (see {@link byPriority}). */
  readonly rules: readonly Rule[];
  /** The first rule that holds, in priority order, or the `otherwise` outcome. */
  evaluate(facts: Facts, ctx?: OperatorContext): Decision;
  /** Every rule that holds, in priority order (pre-review hints, notifications). */
  fired(facts: Facts, ctx?: OperatorContext): Rule[];
  /** Whether the rule with this id holds; false for an unknown id. */
  holds(ruleId: string, facts: Facts, ctx?: OperatorContext): boolean;
}

const EMPTY: Outcome = Object.freeze({});

/**
 * Compiles a validated rule set (see validateRuleSet) with the shared condition compiler.
 *
 * @example
 * const pension = compileRuleSet(ruleSet);
 * const ctx = { now: new Date() };
 * pension.evaluate({ profile: { socialInsurance: { years: 16 } } }, ctx).outcome; // → { eligible: true }
 */
export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const rules = byPriority(ruleSet.rules);
  const conditions: CompiledCondition[] = rules.map((r) => compileCondition(r.when));
  const first = compileFirst(rules.map((r) => r.when));
  const decisions: Decision[] = rules.map((rule) => Object.freeze({ rule, outcome: rule.outcome }));
  const none: Decision = Object.freeze({ rule: undefined, outcome: ruleSet.otherwise ?? EMPTY });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const n = rules.length;
  return {
    ruleSet,
    rules,
    evaluate(facts, ctx) {
      const i = first(facts, ctx);
      return i < 0 ? none : decisions[i]!;
    },
    fired(facts, ctx) {
      const c = ctx ?? { now: new Date() };
      const out: Rule[] = [];
      for (let i = 0; i < n; i++) if (conditions[i]!(facts, c)) out.push(rules[i]!);
      return out;
    },
    holds(ruleId, facts, ctx) {
      const i = index.get(ruleId);
      return i !== undefined && conditions[i]!(facts, ctx ?? { now: new Date() });
    },
  };
}

/** The context for a calendar day in Asia/Shanghai (YYYY-MM-DD): noon, so that the day is unambiguous. */
export function contextForDay(day: string): OperatorContext {
  return { now: new Date(`${day}T12:00:00+08:00`) };
}
