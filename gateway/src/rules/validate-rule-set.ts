import type { ValidateFunction } from 'ajv';
import { validateCondition } from '../platform/conditions';
import type { FieldError } from '../platform/errors';
import { createAjv } from '../platform/validation/ajv';
import { toFieldErrors } from '../platform/validation/messages';
import { conditionAt } from './pointers';
import type { RuleSet } from './rule-set';
import { ruleSetSchema } from './rule-set.schema';

let schemaValidator: ValidateFunction | undefined;

/**
 * Checks a rule set before it is saved: the schema, each rule's condition (shared condition validator),
 * unique rule ids, pointer labels that point at a test in `when`, and outcomes that fit the kind
 * (eligibility needs `eligible`, pre-review needs `hints`). Messages are zh-CN; pointers are JSON Pointers
 * into the rule set. An empty list means valid.
 */
export function validateRuleSet(json: unknown): FieldError[] {
  schemaValidator ??= createAjv().compile(ruleSetSchema);
  if (!schemaValidator(json)) return toFieldErrors(schemaValidator.errors ?? []);
  const set = json as RuleSet;
  const errors: FieldError[] = [];
  const ids = new Set<string>();
  set.rules.forEach((rule, i) => {
    const at = `/rules/${i}`;
    if (ids.has(rule.id))
      errors.push({ pointer: `${at}/id`, code: 'duplicate', message: `规则编号重复：${rule.id}` });
    ids.add(rule.id);
    const condition = validateCondition(rule.when);
    if (!condition.ok) {
      for (const e of condition.errors) {
        errors.push({ ...e, pointer: `${at}/when${e.pointer === '/' ? '' : e.pointer}` });
      }
    }
    for (const key of Object.keys(rule.explain ?? {})) {
      if (key.startsWith('/') && conditionAt(rule.when, key) === undefined) {
        errors.push({
          pointer: `${at}/explain`,
          code: 'label_pointer',
          message: `条件说明 ${key} 没有指向本规则中的条件`,
        });
      }
    }
    errors.push(...outcomeProblems(set.kind, rule.outcome, `${at}/outcome`));
  });
  if (set.otherwise !== undefined) errors.push(...outcomeProblems(set.kind, set.otherwise, '/otherwise'));
  return errors;
}

function outcomeProblems(kind: RuleSet['kind'], outcome: RuleSet['rules'][number]['outcome'], at: string) {
  const errors: FieldError[] = [];
  if (kind === 'eligibility' && typeof outcome.eligible !== 'boolean') {
    errors.push({
      pointer: `${at}/eligible`,
      code: 'required',
      message: '资格规则的结果须写明是否符合条件（eligible）',
    });
  }
  if (kind === 'pre-review') {
    if (!Array.isArray(outcome.hints)) {
      errors.push({
        pointer: `${at}/hints`,
        code: 'required',
        message: '预审规则的结果须包含修改提示（hints）',
      });
    } else {
      outcome.hints.forEach((h, j) => {
        if (h.field === undefined && h.material === undefined) {
          errors.push({
            pointer: `${at}/hints/${j}`,
            code: 'target',
            message: '修改提示须指明表单字段（field）或材料（material）',
          });
        }
      });
    }
  }
  return errors;
}
