import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAccessTokenHarness } from '../../core/testing/access-token-harness';
import type { TokenCacheWrite } from '../../core/testing/recording-token-cache';
import { createMemoryTokenCache, createWecomClient, type WecomClient } from '../client';
import { WecomApiError } from '../errors';
import { createWecomSimulator, type WecomSimulator } from '../simulator/simulator';
import { CORP } from '../simulator/testing';
import { accessTokenCacheKey, isStaleTokenError } from './access-token';

let sim: WecomSimulator;
let client: WecomClient;
let sets: TokenCacheWrite[];
let calls: (path: string) => number;
let advance: (seconds: number) => void;

beforeEach(async () => {
  ({ sim, client, sets, calls, advance } = await startAccessTokenHarness(
    () => createWecomSimulator(CORP),
    (apiBase, tokenCache) => createWecomClient({ ...CORP, apiBase }, { tokenCache }),
  ));
});
afterEach(() => sim.close());

describe('access token', () => {
  it('shares one gettoken between 20 concurrent callers on a cold cache', async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(calls('/cgi-bin/gettoken')).toBe(1);
    expect(sim.checkAccessToken(tokens[0]!)).toBe(0);
  });

  it('20 concurrent API calls on a cold cache fetch the token once', async () => {
    await Promise.all(Array.from({ length: 20 }, () => client.listDepartments()));
    expect(calls('/cgi-bin/gettoken')).toBe(1);
    expect(calls('/cgi-bin/department/list')).toBe(20);
  });

  it('caches per app (corp + secret digest, never the secret) for expires_in - 300 s', async () => {
    const token = await client.getAccessToken();
    expect(await client.getAccessToken()).toBe(token);
    const key = accessTokenCacheKey(CORP.corpId, CORP.corpSecret);
    expect(sets).toEqual([{ key, value: token, ttl: 6900 }]);
    expect(key).toMatch(/^wecom:access_token:wwsimcorp0123456789:[0-9a-f]{16}$/);
    expect(key).not.toContain(CORP.corpSecret);
    expect(accessTokenCacheKey(CORP.corpId, 'other')).not.toBe(key);
  });

  it('refreshes 300 s early; WeCom hands back the same token until it expires, then a new one', async () => {
    const first = await client.getAccessToken();
    advance(6901);
    expect(await client.getAccessToken()).toBe(first);
    expect(sets[1]).toMatchObject({ value: first, ttl: 299 });
    advance(298);
    expect(await client.getAccessToken()).toBe(first);
    expect(calls('/cgi-bin/gettoken')).toBe(2);
    advance(2);
    const second = await client.getAccessToken();
    expect(second).not.toBe(first);
    expect(calls('/cgi-bin/gettoken')).toBe(3);
    expect(sets[2]).toMatchObject({ value: second, ttl: 6900 });
  });

  it('maps credential errors: 40013 corpid, 40001 secret', async () => {
    const wrongCorp = createWecomClient(
      { ...CORP, corpId: 'ww-other', apiBase: sim.url },
      { tokenCache: createMemoryTokenCache() },
    );
    const wrongSecret = createWecomClient(
      { ...CORP, corpSecret: 'nope', apiBase: sim.url },
      { tokenCache: createMemoryTokenCache() },
    );
    await expect(wrongCorp.getAccessToken()).rejects.toMatchObject({ errcode: 40013 });
    const error = await wrongSecret.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode: 40001, retryable: false });
    expect((error as Error).message).not.toContain('nope');
  });
});

describe('refetch on 40014/42001', () => {
  it('an expired token (42001) is refetched once and the call succeeds', async () => {
    const old = await client.getAccessToken();
    sim.advanceClock(7200);
    expect(sim.checkAccessToken(old)).toBe(42001);
    expect((await client.getMember('LiNa')).name).toBe('李娜');
    expect(calls('/cgi-bin/gettoken')).toBe(2);
    expect(calls('/cgi-bin/user/get')).toBe(2);
  });

  it('a token WeCom invalidated early (40014) is refetched the same way', async () => {
    const old = await client.getAccessToken();
    sim.revokeAccessTokens();
    expect(sim.checkAccessToken(old)).toBe(40014);
    expect((await client.listDepartments()).length).toBe(4);
    expect(await client.getAccessToken()).not.toBe(old);
  });

  it('retries only once, and never for other errcodes', async () => {
    sim.setFault({ path: '/cgi-bin/user/get', errcode: 42001, times: 2 });
    await expect(client.getMember('LiNa')).rejects.toMatchObject({ errcode: 42001 });
    expect(calls('/cgi-bin/user/get')).toBe(2);
    sim.setFault({ path: '/cgi-bin/user/get', errcode: 60011 });
    await expect(client.getMember('LiNa')).rejects.toMatchObject({ errcode: 60011 });
    expect(calls('/cgi-bin/user/get')).toBe(3);
  });

  it('isStaleTokenError', () => {
    expect(isStaleTokenError(new WecomApiError('/x', 40014, ''))).toBe(true);
    expect(isStaleTokenError(new WecomApiError('/x', 42001, ''))).toBe(true);
    expect(isStaleTokenError(new WecomApiError('/x', 40029, ''))).toBe(false);
  });
});
