import type { Condition } from '../platform/conditions';
import { shapeOf } from '../platform/conditions/shape';

/** The condition node (test, all, any or not) at a JSON Pointer into a rule's `when`, or undefined. */
export function conditionAt(root: Condition, pointer: string): Condition | undefined {
  let node: unknown = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return shapeOf(node).kind === 'invalid' ? undefined : (node as Condition);
}
