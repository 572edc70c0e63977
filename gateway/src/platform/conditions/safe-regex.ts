// Patterns come from configuration that staff edit, and subjects come from citizens, so `matches` must not
// let one pattern stall the event loop. Three guards: a length cap, a refusal of nested unbounded
// quantifiers (`(a+)+`, `(\w+\s?)*`: the classic catastrophic-backtracking shape), and a cap on the length
// of the text matched. Compiled patterns are cached because the same rule runs for every subject.

export const MAX_PATTERN_LENGTH = 200;
export const MAX_SUBJECT_LENGTH = 10_000;
const CACHE_LIMIT = 500;

const cache = new Map<string, RegExp | null>();

/** Why `source` is refused as a `matches` pattern (zh-CN), or undefined when it is acceptable. */
export function checkPattern(source: string): string | undefined {
  if (source.length > MAX_PATTERN_LENGTH) return `正则表达式不能超过 ${MAX_PATTERN_LENGTH} 个字符`;
  try {
    new RegExp(source, 'u');
  } catch {
    return '正则表达式无效';
  }
  if (hasNestedQuantifier(source)) return '正则表达式含有嵌套的重复（如 (a+)+），可能导致匹配超时';
  return undefined;
}

/** The compiled pattern, or undefined when {@link checkPattern} refuses it. Cached either way. */
export function compilePattern(source: string): RegExp | undefined {
  let re = cache.get(source);
  if (re === undefined) {
    re = checkPattern(source) === undefined ? new RegExp(source, 'u') : null;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(source, re);
  }
  return re ?? undefined;
}

/** True when `subject` is a string of acceptable length and the pattern is acceptable and matches. */
export function matchesPattern(subject: unknown, source: unknown): boolean {
  if (typeof subject !== 'string' || typeof source !== 'string' || subject.length > MAX_SUBJECT_LENGTH) {
    return false;
  }
  return compilePattern(source)?.test(subject) ?? false;
}

/** Star height above one: a group that contains an unbounded quantifier and is itself unboundedly repeated. */
function hasNestedQuantifier(source: string): boolean {
  const groups: boolean[] = [false];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      groups.push(false);
      i++;
    } else if (c === ')') {
      const inner = groups.pop() ?? false;
      i++;
      const q = unboundedQuantifierAt(source, i);
      if (q > 0 && inner) return true;
      const top = groups.length - 1;
      if (top >= 0) groups[top] = groups[top]! || inner || q > 0;
      if (groups.length === 0) groups.push(false);
    } else {
      const q = unboundedQuantifierAt(source, i);
      if (q > 0) {
        groups[groups.length - 1] = true;
        i += q;
      } else {
        i++;
      }
    }
  }
  return false;
}

/** Length of an unbounded quantifier (`*`, `+`, `{n,}`) starting at `i`, else 0. */
function unboundedQuantifierAt(source: string, i: number): number {
  const c = source[i];
  if (c === '*' || c === '+') return 1;
  if (c === '{') {
    const m = /^\{\d+,\}/.exec(source.slice(i, i + 12));
    if (m !== null) return m[0].length;
  }
  return 0;
}
