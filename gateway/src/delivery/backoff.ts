/** Retry timing of a failed delivery or routing attempt. */
export interface BackoffOptions {
  /** First retry waits up to this long. Default 1 s. */
  baseMs: number;
  /** No wait is longer. Default 10 min. */
  capMs: number;
  /** Attempts before the row is dead (the first send counts). Default 8. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 600_000, maxAttempts: 8 };

/**
 * "Full jitter" (AWS architecture blog): a uniform wait in [0, min(cap, base·2^(attempt-1))], so that
 * many rows failing together do not come back together. `attempt` is the number of failed attempts.
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.floor(random() * ceiling);
}
