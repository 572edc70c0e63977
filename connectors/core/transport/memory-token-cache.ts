import type { TokenCache } from './token-cache';

/** A process-local {@link TokenCache} for standalone use and tests. `now` defaults to `Date.now`. */
export function createMemoryTokenCache(options: { now?: () => number } = {}): TokenCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
  };
}
