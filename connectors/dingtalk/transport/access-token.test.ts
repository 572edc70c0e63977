import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAccessTokenHarness } from '../../core/testing/access-token-harness';
import type { TokenCacheWrite } from '../../core/testing/recording-token-cache';
import { createDingtalkClient, createMemoryTokenCache, type DingtalkClient } from '../client';
import { DingtalkApiError } from '../errors';
import { createDingtalkSimulator, type DingtalkSimulator } from '../simulator/simulator';
import { APP } from '../simulator/testing';
import { accessTokenCacheKey, cacheTtlSeconds, isStaleTokenError } from './access-token';

let sim: DingtalkSimulator;
let client: DingtalkClient;
let sets: TokenCacheWrite[];
let calls: (path: string) => number;
let advance: (seconds: number) => void;

beforeEach(async () => {
  ({ sim, client, sets, calls, advance } = await startAccessTokenHarness(
    () => createDingtalkSimulator(APP),
    (apiBase, tokenCache) => createDingtalkClient({ ...APP, apiBase }, { tokenCache }),
  ));
});
afterEach(() => sim.close());

describe('access token', () => {
  it('shares one gettoken between 20 concurrent callers on a cold cache', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(calls('/gettoken')).toBe(1);
    expect(sim.isAccessTokenValid(tokens[0]!)).toBe(true);
  });

  it('20 concurrent API calls on a cold cache also fetch the token once', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, () => client.listDepartmentUserIds(11)));
    expect(ids[0]).toEqual(['lina', 'liuyang', 'wangfang']);
    expect(calls('/gettoken')).toBe(1);
  });

  it('caches under dingtalk:access_token:{appKey} for expires_in - 300 s and reuses it', async () => {
    const token = await client.getAccessToken();
    expect(await client.getAccessToken()).toBe(token);
    expect(sets).toEqual([{ key: `dingtalk:access_token:${APP.appKey}`, value: token, ttl: 6900 }]);
    expect(calls('/gettoken')).toBe(1);
    expect(accessTokenCacheKey('k')).toBe('dingtalk:access_token:k');
  });

  it('refreshes 300 s early; DingTalk renews and returns the same token (§2.2)', async () => {
    const first = await client.getAccessToken();
    advance(6899);
    expect(await client.getAccessToken()).toBe(first);
    expect(calls('/gettoken')).toBe(1);
    advance(2);
    expect(await client.getAccessToken()).toBe(first);
    expect(calls('/gettoken')).toBe(2);
    // Renewed: still valid past the original 7200 s.
    advance(1000);
    expect(sim.isAccessTokenValid(first)).toBe(true);
  });

  it('keeps a token with under 300 s left to its end instead of refetching every second', () => {
    expect(cacheTtlSeconds(7200)).toBe(6900);
    expect(cacheTtlSeconds(301)).toBe(1);
    expect(cacheTtlSeconds(300)).toBe(300);
    expect(cacheTtlSeconds(0.5)).toBe(1);
  });

  it('does not keep a failed fetch: the next caller tries again', async () => {
    sim.setFault({ path: '/gettoken', errcode: -1 });
    await expect(client.getAccessToken()).rejects.toMatchObject({ errcode: -1, retryable: true });
    expect(sim.isAccessTokenValid(await client.getAccessToken())).toBe(true);
    expect(sets).toHaveLength(1);
  });

  it('reports wrong credentials as 40096, without the secret in the message', async () => {
    const bad = createDingtalkClient(
      { ...APP, appSecret: 'wrong-secret', apiBase: sim.url },
      { tokenCache: createMemoryTokenCache() },
    );
    const error = await bad.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DingtalkApiError);
    expect(error).toMatchObject({ errcode: 40096, retryable: false });
    expect((error as Error).message).not.toContain('wrong-secret');
  });
});

describe('refetch on a stale token', () => {
  it('an expired token (88/40014) is refetched once and the call succeeds', async () => {
    const old = await client.getAccessToken();
    sim.advanceClock(7200); // the platform's clock only: our cache still holds the token
    const user = await client.getUser('lina');
    expect(user.name).toBe('李娜');
    expect(calls('/gettoken')).toBe(2);
    expect(calls('/topapi/v2/user/get')).toBe(2);
    expect(await client.getAccessToken()).not.toBe(old);
  });

  it('a revoked token is refetched the same way', async () => {
    await client.getAccessToken();
    sim.revokeAccessToken();
    expect((await client.getDepartment(10)).managerUserids).toEqual(['zhangwei']);
    expect(calls('/gettoken')).toBe(2);
  });

  it('retries only once, and never for other errcodes', async () => {
    sim.setFault({ path: '/topapi/v2/user/get', errcode: 88, subCode: '40014', times: 2 });
    await expect(client.getUser('lina')).rejects.toMatchObject({ errcode: 88, subCode: '40014' });
    expect(calls('/topapi/v2/user/get')).toBe(2);

    sim.setFault({ path: '/topapi/v2/user/get', errcode: 88, subCode: '60011' });
    await expect(client.getUser('lina')).rejects.toMatchObject({
      errcode: 88,
      subCode: '60011',
      retryable: false,
    });
    expect(calls('/topapi/v2/user/get')).toBe(3);
  });

  it('classifies stale-token errors per platforms.md §2.1', () => {
    const err = (errcode: number, subCode?: string) =>
      new DingtalkApiError('/x', errcode, '', subCode === undefined ? {} : { subCode });
    expect(isStaleTokenError(err(88, '40014'))).toBe(true);
    expect(isStaleTokenError(err(88, ''))).toBe(true);
    expect(isStaleTokenError(err(88))).toBe(true);
    expect(isStaleTokenError(err(42001))).toBe(true);
    expect(isStaleTokenError(err(88, '60011'))).toBe(false);
    expect(isStaleTokenError(err(40078))).toBe(false);
    expect(isStaleTokenError(new Error('x'))).toBe(false);
  });
});
