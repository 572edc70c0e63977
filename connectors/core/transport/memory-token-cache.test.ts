import { describe, expect, it } from 'vitest';
import { createMemoryTokenCache } from './memory-token-cache';

describe('createMemoryTokenCache', () => {
  it('returns a value until its TTL lapses, then null', async () => {
    let now = 0;
    const cache = createMemoryTokenCache({ now: () => now });
    expect(await cache.get('k')).toBeNull();
    await cache.set('k', 'v', 10);
    now = 9_999;
    expect(await cache.get('k')).toBe('v');
    now = 10_000;
    expect(await cache.get('k')).toBeNull();
  });

  it('overwrites with a new TTL', async () => {
    let now = 0;
    const cache = createMemoryTokenCache({ now: () => now });
    await cache.set('k', 'a', 1);
    await cache.set('k', 'b', 5);
    now = 4_000;
    expect(await cache.get('k')).toBe('b');
  });
});
