import { describeValue, isOperator, type Operator } from './condition';

/**
 * What a node of an unchecked condition tree is, for the walkers (evaluate, explain, factsReferenced, and
 * later the SQL compiler). Anything that is not exactly one of the four shapes is `invalid`.
 */
export type NodeShape =
  | { kind: 'all' | 'any'; items: unknown[] }
  | { kind: 'not'; item: unknown }
  | { kind: 'test'; fact: string; operator: Operator; value: unknown }
  | { kind: 'invalid'; reason: string };

export function shapeOf(node: unknown): NodeShape {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    return { kind: 'invalid', reason: '条件应为对象' };
  }
  const n = node as Record<string, unknown>;
  const keys = Object.keys(n);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === 'all' || only === 'any') {
    const items = n[only];
    return Array.isArray(items) && items.length > 0
      ? { kind: only, items }
      : { kind: 'invalid', reason: `${only} 应为非空条件数组` };
  }
  if (only === 'not') return { kind: 'not', item: n.not };
  if (Object.hasOwn(n, 'all') || Object.hasOwn(n, 'any') || Object.hasOwn(n, 'not')) {
    return {
      kind: 'invalid',
      reason: '条件只能是 all、any、not 之一，或 fact/operator/value 判断，不能混用',
    };
  }
  if (typeof n.fact !== 'string') return { kind: 'invalid', reason: '缺少事实路径 fact' };
  if (!isOperator(n.operator))
    return { kind: 'invalid', reason: `不支持的运算符：${describeValue(n.operator)}` };
  return { kind: 'test', fact: n.fact, operator: n.operator, value: n.value };
}
