import { DeptApiError, DeptTransportError } from '../errors';
import type { DeptRetryPolicy } from './config';

/**
 * Whether the client retries `error` by itself: transport failures and errcode −1. Rate limiting
 * (45009) is retryable too but left to the caller, whose backlog decides how long to wait.
 */
export function isAutoRetryable(error: unknown): boolean {
  return error instanceof DeptTransportError || (error instanceof DeptApiError && error.errcode === -1);
}

/** Run `fn` up to `policy.attempts` times while it fails with an auto-retryable error. */
export async function withRetry<T>(policy: DeptRetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= policy.attempts || !isAutoRetryable(error)) throw error;
      const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, base * (0.5 + Math.random())));
    }
  }
}
