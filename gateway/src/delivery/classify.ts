import type { FailureInfo, FailureKind } from './delivery.types';

/** Errors are stored as the delivery's last error: at most this many characters. */
export const MAX_ERROR_LENGTH = 500;

/**
 * The default classifier: the connectors' errors carry `kind` (`rateLimited`, `retryable`,
 * `permanent`, `refused`, and `tokenStale`/`authExpired` after their one refetch) and an optional
 * `retryAfterMs`. A stale token that survived the client's refetch may pass later: retryable.
 * Anything else (a bug, a bad configuration) is permanent: retrying it cannot help.
 */
export function classifyByKind(error: unknown): Pick<FailureInfo, 'kind' | 'retryAfterMs'> {
  const { kind, retryAfterMs } = (error ?? {}) as { kind?: unknown; retryAfterMs?: unknown };
  const wait =
    typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
      ? { retryAfterMs }
      : {};
  const mapped: FailureKind =
    kind === 'rateLimited' || kind === 'retryable' || kind === 'refused' || kind === 'permanent'
      ? kind
      : kind === 'tokenStale' || kind === 'authExpired'
        ? 'retryable'
        : 'permanent';
  return { kind: mapped, ...wait };
}

/** The text kept of an error: its class and message (connectors keep personal data out of both), capped. */
export function errorText(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown: ${typeof error}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
