import type { Cache } from './cache';

const SWEEP_EVERY = 1000;

export function createMemoryCache(now: () => number = Date.now): Cache {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  let writes = 0;
  const live = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const put = (key: string, value: string, ttlSeconds: number) => {
    entries.set(key, { value, expiresAt: now() + Math.max(1, Math.ceil(ttlSeconds * 1000)) });
    // Expired entries nobody reads again are swept now and then, so memory stays bounded by live keys.
    if (++writes % SWEEP_EVERY === 0) {
      const t = now();
      for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k);
    }
  };
  return {
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, ttlSeconds) => put(key, value, ttlSeconds),
    setIfAbsent: async (key, value, ttlSeconds) => {
      if (live(key)) return false;
      put(key, value, ttlSeconds);
      return true;
    },
    del: async (key) => void entries.delete(key),
    ping: async () => {},
    close: async () => entries.clear(),
  };
}
