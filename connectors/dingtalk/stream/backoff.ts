/** Bounds of an exponential backoff, in milliseconds. */
export interface BackoffRange {
  minMs: number;
  maxMs: number;
}

/**
 * Wait before retry number `attempt` (1-based): the ceiling doubles from `minMs` up to `maxMs`, and the
 * result is a random point in its upper half (jitter, so that many clients do not retry in step), never
 * below `minMs`.
 */
export function backoffDelay(
  attempt: number,
  range: BackoffRange,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(range.maxMs, range.minMs * 2 ** exponent);
  return Math.round(Math.max(range.minMs, ceiling * (0.5 + 0.5 * random())));
}
