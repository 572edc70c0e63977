import {
  type Explanation,
  explain,
  type Facts,
  type Operator,
  type OperatorContext,
} from '../platform/conditions';
import type { CompiledRuleSet, Decision } from './compile-rule-set';
import { currentText, generatedLabel } from './labels';
import type { Rule, RuleSet } from './rule-set';

/**
 * One node of a rule's condition with its result and zh-CN label. Test nodes carry the fact, the
 * operator, the operand and the subject's value (`actual`): mask it before showing anyone but the subject.
 */
export interface ConditionTrace {
  /** JSON Pointer into the rule's `when` ('' is the root). */
  pointer: string;
  kind: 'all' | 'any' | 'not' | 'test' | 'error';
  result: boolean;
  label: string;
  current?: string;
  fact?: string;
  operator?: Operator;
  value?: unknown;
  actual?: unknown;
  children?: ConditionTrace[];
}

/** A rule's result for one subject: its trace, zh-CN reasons and what is missing for it to hold. */
export interface RuleExplanation {
  id: string;
  title?: string;
  priority: number;
  fired: boolean;
  trace: ConditionTrace;
  /** 「已满足：户籍在本市」, 「未满足：社保缴费满15年，当前12年」. */
  reasons: string[];
  /** What would have to change for the rule to hold: 「社保缴费满15年，当前12年」. Empty when it fired. */
  missing: string[];
}

/** The decision for one subject and why (see {@link explainRuleSet}). */
export interface RuleSetExplanation {
  decision: Decision;
  /** Ids of every rule that holds, in priority order. */
  fired: string[];
  rules: RuleExplanation[];
  /** For an eligibility set that did not grant: what the highest-priority granting rule still lacks. */
  missing: string[];
  /** One zh-CN sentence: 「符合条件」, 「还差：社保缴费满15年，当前12年」, 「不符合条件：…」. */
  summary: string;
}

interface Item {
  label: string;
  current?: string;
  held: boolean;
}

/**
 * The detailed path: the same decision as `compiled.evaluate`, with every rule's condition tree labelled,
 * plain-language reasons and the 「还差」 list. Slower than evaluate (it visits every node and builds text),
 * so it is for the one subject being shown a result.
 */
export function explainRuleSet(
  compiled: CompiledRuleSet,
  facts: Facts,
  ctx?: OperatorContext,
): RuleSetExplanation {
  const c = ctx ?? { now: new Date() };
  const set = compiled.ruleSet;
  const rules = compiled.rules.map((rule) => explainRule(set, rule, facts, c.now));
  const decision = compiled.evaluate(facts, c);
  // The granting rule the subject is closest to (fewest conditions missing; ties: higher priority), so that
  // a woman is not told she lacks 「男性」 when the women's rule needs less.
  let closest: RuleExplanation | undefined;
  if (set.kind === 'eligibility' && decision.outcome.eligible !== true) {
    rules.forEach((r, i) => {
      if (r.fired || compiled.rules[i]!.outcome.eligible !== true || r.missing.length === 0) return;
      if (closest === undefined || r.missing.length < closest.missing.length) closest = r;
    });
  }
  const missing = closest?.missing ?? [];
  return {
    decision,
    fired: rules.filter((r) => r.fired).map((r) => r.id),
    rules,
    missing,
    summary: summarize(set, decision, rules, missing),
  };
}

function summarize(set: RuleSet, decision: Decision, rules: RuleExplanation[], missing: string[]): string {
  const fired = rules.filter((r) => r.fired);
  if (set.kind !== 'eligibility') {
    return fired.length === 0
      ? '没有适用的规则'
      : `适用规则：${fired.map((r) => r.title ?? r.id).join('、')}`;
  }
  if (decision.outcome.eligible === true)
    return decision.rule?.title ? `符合条件：${decision.rule.title}` : '符合条件';
  if (missing.length > 0) return `还差：${missing.join('；')}`;
  const blocking = rules.find((r) => r.id === decision.rule?.id);
  if (blocking === undefined) return '不符合条件';
  return `不符合条件：${blocking.title ?? blocking.reasons.map((r) => r.replace(/^已满足：/, '')).join('，')}`;
}

function explainRule(set: RuleSet, rule: Rule, facts: Facts, now: Date): RuleExplanation {
  const trace = toTrace(explain(rule.when, facts, { now }), '', rule, set, now);
  const items = itemsOf(trace, false, rule, set);
  return {
    id: rule.id,
    ...(rule.title === undefined ? {} : { title: rule.title }),
    priority: rule.priority,
    fired: trace.result,
    trace,
    reasons: items.map((i) =>
      i.held ? `已满足：${i.label}${i.current ? `（${i.current}）` : ''}` : `未满足：${withCurrent(i)}`,
    ),
    missing: trace.result ? [] : items.filter((i) => !i.held).map(withCurrent),
  };
}

function withCurrent(item: Item): string {
  return item.current ? `${item.label}，${item.current}` : item.label;
}

function toTrace(e: Explanation, pointer: string, rule: Rule, set: RuleSet, now: Date): ConditionTrace {
  const custom = pointer === '' ? undefined : rule.explain?.[pointer];
  if ('error' in e) return { pointer, kind: 'error', result: false, label: custom?.label ?? e.error };
  if ('fact' in e) {
    const own = custom ?? rule.explain?.[e.fact];
    return {
      pointer,
      kind: 'test',
      result: e.result,
      label: own?.label ?? generatedLabel(e.fact, e.operator, e.value, false, set.factLabels),
      current: currentText(e.operator, e.actual, own?.current, now, e.fact),
      fact: e.fact,
      operator: e.operator,
      ...(e.value === undefined ? {} : { value: e.value }),
      actual: e.actual,
    };
  }
  if ('not' in e) {
    const child = toTrace(e.not, `${pointer}/not`, rule, set, now);
    return {
      pointer,
      kind: 'not',
      result: e.result,
      label: custom?.label ?? '不满足以下条件',
      children: [child],
    };
  }
  const kind = 'all' in e ? 'all' : 'any';
  const items = 'all' in e ? e.all : e.any;
  return {
    pointer,
    kind,
    result: e.result,
    label: custom?.label ?? (kind === 'all' ? '以下条件全部满足' : '以下条件满足其一'),
    children: items.map((item, i) => toTrace(item, `${pointer}/${kind}/${i}`, rule, set, now)),
  };
}

// Under a `not` the sense of every leaf flips (and all/any swap, by De Morgan), so reasons speak of what is
// actually required: not(有住房) reads 「名下有住房为否」, not 「未满足：名下有住房」.
function itemsOf(t: ConditionTrace, negated: boolean, rule: Rule, set: RuleSet): Item[] {
  const held = t.result !== negated;
  const labelled = t.pointer !== '' && rule.explain?.[t.pointer] !== undefined;
  if (t.kind === 'test' || t.kind === 'error' || labelled) {
    let label = t.label;
    if (negated) {
      label =
        t.kind === 'test' && !labelled && rule.explain?.[t.fact!] === undefined
          ? generatedLabel(t.fact!, t.operator!, t.value, true, set.factLabels)
          : `不满足「${t.label}」`;
    }
    return [{ label, ...(t.current === undefined ? {} : { current: t.current }), held }];
  }
  const children = t.children ?? [];
  if (t.kind === 'not') return itemsOf(children[0]!, !negated, rule, set);
  const conjunctive = (t.kind === 'all') !== negated;
  const parts = children.map((child) => itemsOf(child, negated, rule, set));
  if (conjunctive) return parts.flat();
  if (held) return children.flatMap((child, i) => (child.result !== negated ? parts[i]! : []));
  const options = parts.map((p) => p.map(withCurrent).join('且'));
  return [{ label: `以下任一项：${options.join('；或')}`, held: false }];
}
