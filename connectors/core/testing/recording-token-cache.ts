import { createMemoryTokenCache } from '../transport/memory-token-cache';
import type { TokenCache } from '../transport/token-cache';

/** One {@link TokenCache.set} call. */
export interface TokenCacheWrite {
  key: string;
  value: string;
  ttl: number;
}

/**
 * A memory cache that appends every write to `sets` and reads its clock from `now` (so a test can
 * move it together with a simulator's clock).
 */
export function createRecordingTokenCache(sets: TokenCacheWrite[], now: () => number): TokenCache {
  const inner = createMemoryTokenCache({ now });
  return {
    get: (key) => inner.get(key),
    async set(key, value, ttl) {
      sets.push({ key, value, ttl });
      await inner.set(key, value, ttl);
    },
  };
}
