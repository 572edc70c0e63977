import { type Condition, isFactRef, MAX_DEPTH } from './condition';
import { operators } from './operators';
import { shapeOf } from './shape';

/**
 * The fact paths a condition reads, in order of first use and without repeats: each test's `fact` and any
 * `{ "fact": … }` operand. Form linkage re-evaluates a condition only when one of these changes.
 * Malformed nodes and nodes deeper than {@link MAX_DEPTH} are skipped.
 *
 * @example
 * factsReferenced({
 *   any: [
 *     { fact: 'form.spouse.birthDate', operator: 'dateBefore', value: { fact: 'form.marriedOn' } },
 *     { fact: 'form.spouse.birthDate', operator: 'exists', value: false },
 *   ],
 * }); // → ['form.spouse.birthDate', 'form.marriedOn']
 */
export function factsReferenced(condition: Condition): string[] {
  const found = new Set<string>();
  collect(condition, 1, found);
  return [...found];
}

function collect(node: unknown, depth: number, found: Set<string>): void {
  if (depth > MAX_DEPTH) return;
  const shape = shapeOf(node);
  switch (shape.kind) {
    case 'all':
    case 'any':
      for (const item of shape.items) collect(item, depth + 1, found);
      return;
    case 'not':
      collect(shape.item, depth + 1, found);
      return;
    case 'test':
      found.add(shape.fact);
      if (operators[shape.operator].acceptsFactRef && isFactRef(shape.value)) found.add(shape.value.fact);
      return;
    case 'invalid':
      return;
  }
}
