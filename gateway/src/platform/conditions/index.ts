/**
 * Conditions: the one condition language of G-CRM (rules, form linkage, flow branches, dispatch, alerts).
 * JSON all/any/not trees over named facts (config/schemas/condition.schema.json), evaluated in-process for
 * one subject. Every operator's meaning lives in one table ({@link operators}) that later walkers, such as
 * the SQL compiler for batch targeting, share.
 *
 * @example
 * import { type Condition, evaluate, validateCondition } from '../platform/conditions';
 *
 * const showSpouse: Condition = { fact: 'form.maritalStatus', operator: 'in', value: ['married', 'remarried'] };
 * validateCondition(showSpouse); // → { ok: true }
 * evaluate(showSpouse, { form: { maritalStatus: 'married' } }); // → true
 */

export { type CompiledCondition, compileCondition, compileFirst } from './compile';
export {
  type Condition,
  type ConditionError,
  type FactRef,
  type Facts,
  isCondition,
  isFactRef,
  MAX_DEPTH,
  OPERATOR_NAMES,
  type Operator,
  type TestCondition,
  type ValidationResult,
  validateCondition,
} from './condition';
export { type EvaluateOptions, type Explanation, evaluate, explain, getFact } from './evaluate';
export { factsReferenced } from './facts-of';
export { type OperandKind, type OperatorContext, type OperatorSpec, operators } from './operators';
export { MAX_PATTERN_LENGTH } from './safe-regex';
