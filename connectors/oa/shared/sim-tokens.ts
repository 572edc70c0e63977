import { randomUUID } from 'node:crypto';

/** Why a token was refused. */
export type TokenRefusal = 'missing' | 'unknown' | 'expired';

/** Session tokens of an OA simulator, on the simulator clock. */
export interface SimTokens {
  /** A new token for `subject` that lapses `ttlSeconds` after issue (or after last use when `idle`). */
  issue(subject: string, ttlSeconds: number, idle?: boolean): string;
  /** The token's subject, or why it is refused. Idle tokens are renewed by a successful check. */
  check(token: string | undefined | null): { subject: string } | TokenRefusal;
  /** Forget every token (the OA restarted or an admin cleared sessions). */
  expireAll(): void;
}

export function createSimTokens(now: () => number): SimTokens {
  const tokens = new Map<string, { subject: string; expiresAt: number; ttlMs: number; idle: boolean }>();
  return {
    issue(subject, ttlSeconds, idle = false) {
      const token = randomUUID();
      tokens.set(token, { subject, expiresAt: now() + ttlSeconds * 1000, ttlMs: ttlSeconds * 1000, idle });
      return token;
    },
    check(token) {
      if (!token) return 'missing';
      const entry = tokens.get(token);
      if (!entry) return 'unknown';
      if (entry.expiresAt <= now()) {
        tokens.delete(token);
        return 'expired';
      }
      if (entry.idle) entry.expiresAt = now() + entry.ttlMs;
      return { subject: entry.subject };
    },
    expireAll() {
      tokens.clear();
    },
  };
}
