/** Retry policy of failed inbox events. */
export interface InboxRetryPolicy {
  /** Runs before a failing event is `dead`. Default 8. */
  maxAttempts: number;
  /** Wait after the first failure, doubled each time. Default 5 s. */
  baseDelayMs: number;
  /** Cap of the wait. Default 1 h. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: InboxRetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 5000,
  maxDelayMs: 3_600_000,
};

/**
 * Wait before the run after failed run `attempt` (1-based): exponential with ±20 % jitter so that events
 * failing together (a platform outage) do not come back together.
 */
export function inboxRetryDelay(attempt: number, policy: InboxRetryPolicy, random = Math.random): number {
  const exp = policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const capped = Math.min(exp, policy.maxDelayMs);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
