import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingTokenCache, type TokenCacheWrite } from '../../core/testing/recording-token-cache';
import { createMemoryTokenCache, createWechatClient, type WechatClient } from '../client';
import { WechatApiError } from '../errors';
import { createWechatSimulator, type WechatSimulator } from '../simulator/simulator';
import { APP, stableToken } from '../simulator/testing';
import { accessTokenCacheKey, createAccessTokenProvider, type TokenCache } from './access-token';
import type { WechatHttp } from './http';

let sim: WechatSimulator;
let client: WechatClient;
let sets: TokenCacheWrite[];
let cacheClockOffsetMs: number;

function recordingCache(): TokenCache {
  return createRecordingTokenCache(sets, () => Date.now() + cacheClockOffsetMs);
}

const calls = (path: string) => sim.stats().byPath[path] ?? 0;

beforeEach(async () => {
  sets = [];
  cacheClockOffsetMs = 0;
  sim = createWechatSimulator(APP);
  const apiBase = await sim.listen(0);
  client = createWechatClient({ ...APP, apiBase }, { tokenCache: recordingCache() });
});
afterEach(() => sim.close());

describe('access token provider', () => {
  it('shares one stable_token fetch between 20 concurrent callers on a cold cache', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(calls('/cgi-bin/stable_token')).toBe(1);
    expect(sim.checkAccessToken(tokens[0]!)).toBe(0);
  });

  it('reuses the cached token', async () => {
    const first = await client.getAccessToken();
    expect(await client.getAccessToken()).toBe(first);
    expect(await client.getAccessToken()).toBe(first);
    expect(calls('/cgi-bin/stable_token')).toBe(1);
  });

  it('caches under wechat:access_token:{appId} with ttl = expires_in - 300', async () => {
    const token = await client.getAccessToken();
    expect(sets).toEqual([{ key: `wechat:access_token:${APP.appId}`, value: token, ttl: 6900 }]);
    expect(accessTokenCacheKey('wx1')).toBe('wechat:access_token:wx1');
  });

  it('refreshes when the cache entry lapses, before WeChat expires the token', async () => {
    const first = await client.getAccessToken();
    sim.advanceClock(6901);
    cacheClockOffsetMs = 6901_000;
    const second = await client.getAccessToken();
    expect(calls('/cgi-bin/stable_token')).toBe(2);
    // Under 5 minutes were left, so the platform (simulator) issued a fresh token; the old one still works.
    expect(second).not.toBe(first);
    expect(sim.checkAccessToken(first)).toBe(0);
  });

  it('never caches for less than 1 s', async () => {
    const http: WechatHttp = {
      get: () => Promise.reject(new Error('unused')),
      post: async () => ({ access_token: 'short-lived', expires_in: 120 }),
    };
    const cache = recordingCache();
    const provider = createAccessTokenProvider({ http, appId: 'wx-s', appSecret: 's', cache });
    await provider.get();
    expect(sets[0]?.ttl).toBe(1);
  });

  it('does not keep a failed fetch: the next caller tries again', async () => {
    sim.setFault({ path: '/cgi-bin/stable_token', errcode: -1 });
    await expect(client.getAccessToken()).rejects.toMatchObject({ errcode: -1 });
    expect(sim.checkAccessToken(await client.getAccessToken())).toBe(0);
    expect(sets).toHaveLength(1);
  });

  it('invalidateAccessToken makes the next call fetch again', async () => {
    const first = await client.getAccessToken();
    await client.invalidateAccessToken();
    expect(await client.getAccessToken()).toBe(first);
    expect(calls('/cgi-bin/stable_token')).toBe(2);
  });

  it('invalidate(stale) keeps a token that another caller already refreshed', async () => {
    const cache = createMemoryTokenCache();
    const provider = createAccessTokenProvider({
      http: {
        get: () => Promise.reject(new Error('unused')),
        post: () => Promise.reject(new Error('no fetch')),
      },
      appId: 'wx-r',
      appSecret: 's',
      cache,
    });
    await cache.set(accessTokenCacheKey('wx-r'), 'token-B', 100);
    await provider.invalidate('token-A');
    expect(await provider.get()).toBe('token-B');
  });
});

describe('withAccessToken', () => {
  it('refetches once after a force refresh elsewhere killed the cached token (40001), then succeeds', async () => {
    const old = await client.getAccessToken();
    const forced = (await stableToken(sim.url, true)).body.access_token as string;
    expect(sim.checkAccessToken(old)).toBe(40001);

    const seen: string[] = [];
    const ips = await client.withAccessToken(async (token) => {
      seen.push(token);
      const answer = await fetch(`${sim.url}/cgi-bin/getcallbackip?access_token=${token}`);
      const body = (await answer.json()) as { errcode?: number; errmsg?: string; ip_list?: string[] };
      if (body.errcode) throw new WechatApiError('/cgi-bin/getcallbackip', body.errcode, body.errmsg ?? '');
      return body.ip_list;
    });
    expect(ips?.length).toBeGreaterThan(0);
    expect(seen).toEqual([old, forced]);
    expect(await client.getAccessToken()).toBe(forced);
  });

  it('getCallbackIp recovers from an expired token (42001) the same way', async () => {
    await client.getAccessToken();
    sim.advanceClock(7200);
    expect((await client.getCallbackIp()).length).toBeGreaterThan(0);
    expect(calls('/cgi-bin/getcallbackip')).toBe(2);
    expect(calls('/cgi-bin/stable_token')).toBe(2);
  });

  it('retries only once, and never for other errcodes', async () => {
    sim.setFault({ path: '/cgi-bin/getcallbackip', errcode: 40014, times: 2 });
    await expect(client.getCallbackIp()).rejects.toMatchObject({ errcode: 40014 });
    expect(calls('/cgi-bin/getcallbackip')).toBe(2);

    sim.setFault({ path: '/cgi-bin/getcallbackip', errcode: 45011 });
    await expect(client.getCallbackIp()).rejects.toMatchObject({ errcode: 45011, retryable: true });
    expect(calls('/cgi-bin/getcallbackip')).toBe(3);
  });
});
