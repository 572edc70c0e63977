import type { Condition, Facts } from '../platform/conditions';

/** What a rule set decides; the kind fixes the shape of its rules' outcomes (see rule-set.schema.ts). */
export const RULE_KINDS = [
  'eligibility',
  'pre-review',
  'notification',
  'recommendation',
  'dispatch',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export type RuleSetStatus = 'draft' | 'published';

/**
 * How one condition is shown to a citizen. `label` says what is required (「社保缴费满15年」); `current`
 * shows the subject's value, with `{value}` replaced by it (「当前{value}年」 → 「当前12年」).
 */
export interface ConditionLabel {
  label: string;
  current?: string;
}

/** A correction hint of a pre-review rule: it names the form field or the material to fix. */
export interface Hint {
  field?: string;
  material?: string;
  message: string;
}

/**
 * What a rule yields when its condition holds. Eligibility outcomes carry `eligible`, pre-review outcomes
 * carry `hints`; the other kinds are free-form objects (a service to recommend, a queue to dispatch to).
 */
export type Outcome = Readonly<Record<string, unknown>> & { eligible?: boolean; hints?: readonly Hint[] };

/**
 * A test case attached to a rule, run before publishing. `fires` is whether this rule's condition holds;
 * `decision` is a subset the rule set's decision outcome must contain (deep equality per key).
 * `today` (YYYY-MM-DD, Asia/Shanghai) pins the day for ages and `"today"`.
 */
export interface RuleTest {
  name: string;
  facts: Facts;
  today?: string;
  expect: { fires?: boolean; decision?: Readonly<Record<string, unknown>> };
}

/**
 * One rule. `explain` labels conditions for explanations, keyed by a JSON Pointer into `when`
 * (`/all/0`) or by a fact path (`profile.socialInsurance.years`, for every test of that fact without a
 * pointer label). Unlabelled tests get a generated label.
 */
export interface Rule {
  id: string;
  priority: number;
  /** zh-CN name shown in explanations, e.g. 「城乡居民养老金领取条件」. */
  title?: string;
  when: Condition;
  explain?: Readonly<Record<string, ConditionLabel>>;
  outcome: Outcome;
  tests?: readonly RuleTest[];
}

/**
 * A versioned rule set. Rules are tried from the highest priority down (ties keep their order); the first
 * that holds decides ({@link Outcome}), else `otherwise` does. Kinds that collect several results
 * (pre-review hints, notifications) read every rule that holds.
 */
export interface RuleSet {
  code: string;
  kind: RuleKind;
  version: number;
  status: RuleSetStatus;
  title?: string;
  /** zh-CN names of facts for generated labels, e.g. `{ "form.income": "家庭月收入" }`. */
  factLabels?: Readonly<Record<string, string>>;
  otherwise?: Outcome;
  rules: readonly Rule[];
}

/** The rules in evaluation order: highest priority first, ties in the order written. */
export function byPriority(rules: readonly Rule[]): Rule[] {
  return rules
    .map((rule, i) => ({ rule, i }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.i - b.i)
    .map(({ rule }) => rule);
}
