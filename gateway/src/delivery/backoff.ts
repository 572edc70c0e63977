/** Retry timing of a failed delivery or routing attempt. */
export interface BackoffOptions {
  /** First retry waits up to this long. Default 1 s. */
  baseMs: number;
  /** No wait is longer. Default 30 min. */
  capMs: number;
  /** Attempts before the row is dead (the first send counts). Default 16. */
  maxAttempts: number;
}

/**
 * 16 attempts over about an hour and a half on average: a flaky platform (the fault suite's 30 %
 * errors) never exhausts them (0.3^16), and a platform that is down opens the breaker, which spends
 * no attempts, so a day-long outage is waited out rather than dead-lettered.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 1_800_000, maxAttempts: 16 };

/**
 * "Full jitter" (AWS architecture blog): a uniform wait in [0, min(cap, base·2^(attempt-1))], so that
 * many rows failing together do not come back together. `attempt` is the number of failed attempts.
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.floor(random() * ceiling);
}
