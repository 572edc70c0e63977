import { describe, expect, it } from 'vitest';
import { createRecordingTokenCache, type TokenCacheWrite } from '../testing/recording-token-cache';
import { cacheTtlSeconds, createAccessTokenProvider, type FetchedToken, readTokenBody } from './access-token';

class StaleError extends Error {}

/** A provider over a scripted token endpoint, with a movable cache clock. */
function setup(options: { expiresIn?: number; cacheTtlSeconds?: (expiresIn: number) => number } = {}) {
  const sets: TokenCacheWrite[] = [];
  let nowMs = 1_000_000;
  let fetches = 0;
  const provider = createAccessTokenProvider({
    cacheKey: 'test:access_token:app',
    cache: createRecordingTokenCache(sets, () => nowMs),
    async fetchToken(): Promise<FetchedToken> {
      fetches += 1;
      const n = fetches;
      // Answer on a later turn, so concurrent callers overlap with the fetch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return { token: `token-${n}`, expiresIn: options.expiresIn ?? 7200 };
    },
    isStaleTokenError: (error) => error instanceof StaleError,
    ...(options.cacheTtlSeconds ? { cacheTtlSeconds: options.cacheTtlSeconds } : {}),
  });
  return {
    provider,
    sets,
    fetches: () => fetches,
    advance: (seconds: number) => {
      nowMs += seconds * 1000;
    },
  };
}

describe('createAccessTokenProvider', () => {
  it('single-flight: 20 concurrent callers on a cold cache share one fetch', async () => {
    const t = setup();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => t.provider.get()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(t.fetches()).toBe(1);
    expect(t.sets).toEqual([{ key: 'test:access_token:app', value: 'token-1', ttl: 6900 }]);
  });

  it('refreshes early: the entry lapses 300 s before the platform expiry', async () => {
    const t = setup();
    await t.provider.get();
    t.advance(6899);
    expect(await t.provider.get()).toBe('token-1');
    t.advance(1);
    expect(await t.provider.get()).toBe('token-2');
    expect(t.fetches()).toBe(2);
  });

  it('uses a platform TTL rule when given one', async () => {
    const t = setup({ expiresIn: 120, cacheTtlSeconds: (e) => Math.max(1, e - 300) });
    await t.provider.get();
    expect(t.sets[0]?.ttl).toBe(1);
  });

  it('refetches once on a stale-token error and retries with the new token', async () => {
    const t = setup();
    const seen: string[] = [];
    const result = await t.provider.withAccessToken(async (token) => {
      seen.push(token);
      if (token === 'token-1') throw new StaleError('stale');
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(seen).toEqual(['token-1', 'token-2']);
    expect(await t.provider.get()).toBe('token-2');
  });

  it('retries only once, and never for other errors', async () => {
    const t = setup();
    let calls = 0;
    await expect(
      t.provider.withAccessToken(async () => {
        calls += 1;
        throw new StaleError('stale');
      }),
    ).rejects.toBeInstanceOf(StaleError);
    expect(calls).toBe(2);
    await expect(
      t.provider.withAccessToken(async () => {
        calls += 1;
        throw new Error('other');
      }),
    ).rejects.toThrow('other');
    expect(calls).toBe(3);
  });

  it('invalidate(stale) keeps a token that was already replaced; invalidate() drops it', async () => {
    const t = setup();
    await t.provider.get();
    await t.provider.invalidate('token-0');
    expect(await t.provider.get()).toBe('token-1');
    await t.provider.invalidate();
    expect(await t.provider.get()).toBe('token-2');
  });

  it('does not keep a failed fetch', async () => {
    let fail = true;
    const provider = createAccessTokenProvider({
      cacheKey: 'k',
      cache: createRecordingTokenCache([], Date.now),
      fetchToken: async () => {
        if (fail) throw new Error('down');
        return { token: 't', expiresIn: 7200 };
      },
      isStaleTokenError: () => false,
    });
    await expect(provider.get()).rejects.toThrow('down');
    fail = false;
    expect(await provider.get()).toBe('t');
  });
});

describe('cacheTtlSeconds / readTokenBody', () => {
  it('lapses 300 s early but keeps a dying token to its end, at least 1 s', () => {
    expect(cacheTtlSeconds(7200)).toBe(6900);
    expect(cacheTtlSeconds(301)).toBe(1);
    expect(cacheTtlSeconds(300)).toBe(300);
    expect(cacheTtlSeconds(0.5)).toBe(1);
  });

  it('reads access_token/expires_in, or null', () => {
    expect(readTokenBody({ access_token: 'a', expires_in: 7200 })).toEqual({ token: 'a', expiresIn: 7200 });
    expect(readTokenBody({ access_token: '', expires_in: 7200 })).toBeNull();
    expect(readTokenBody({ access_token: 'a', expires_in: '7200' })).toBeNull();
    expect(readTokenBody({})).toBeNull();
  });
});
