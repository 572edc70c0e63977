import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../../core/testing/raw-http';
import { createRecordingTokenCache, type TokenCacheWrite } from '../../core/testing/recording-token-cache';
import { DeptApiError, DeptTransportError } from '../errors';
import { createPopulation } from '../population/population';
import type { HouseholdRecord } from '../records';
import { createDeptSimulator, DEMO_DEPT_APP, type DeptSimulator } from '../simulator/simulator';
import { createDeptClient, createHukouClient, createSocialInsuranceClient } from './client';
import type { DeptClientConfig } from './config';

const population = createPopulation({ seed: 21, size: 400 });
const ids = [...population.persons()].map((p) => p.idNumber);

let sim: DeptSimulator<'hukou'>;
let sets: TokenCacheWrite[];
let cacheOffsetMs: number;
let config: DeptClientConfig;

const cache = () => createRecordingTokenCache(sets, () => Date.now() + cacheOffsetMs);
const calls = (path: string) => sim.stats().byPath[path] ?? 0;
const PERSON = '/v1/persons/{idNumber}/household';
const advance = (seconds: number) => {
  sim.advanceClock(seconds);
  cacheOffsetMs += seconds * 1000;
};

beforeEach(async () => {
  sets = [];
  cacheOffsetMs = 0;
  sim = createDeptSimulator('hukou', { population, rateLimitPerMinute: 50 });
  config = { ...DEMO_DEPT_APP, apiBase: await sim.listen(0), retry: { baseDelayMs: 1, maxDelayMs: 5 } };
});
afterEach(() => sim.close());

describe('access token', () => {
  it('fetches once, caches under dept:<source>:access_token:<appKey> for 7200 − 300 s', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    await Promise.all(ids.slice(0, 10).map((id) => client.get(id)));
    expect(calls('/v1/token')).toBe(1);
    expect(sets).toEqual([
      { key: 'dept:hukou:access_token:gcrm-demo', value: expect.any(String), ttl: 6900 },
    ]);
  });

  it('refreshes after expiry (42001) and after a revocation (40014), retrying the call once', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    await client.get(ids[0]!);
    // The source expires the token while the cache still holds it.
    sim.advanceClock(7200);
    expect((await client.get(ids[1]!))?.idNumber).toBe(ids[1]);
    expect(calls('/v1/token')).toBe(2);
    expect(calls(PERSON)).toBe(3);

    sim.revokeTokens();
    expect((await client.get(ids[2]!))?.idNumber).toBe(ids[2]);
    expect(calls('/v1/token')).toBe(3);

    // The cache lapses 5 minutes before the source's expiry: a plain refetch, no failed call.
    advance(6901);
    await client.get(ids[3]!);
    expect(calls('/v1/token')).toBe(4);
    expect(calls(PERSON)).toBe(6);
  });

  it('does not loop on a token that keeps being refused', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    sim.setFault({ path: `/v1/persons/${ids[0]}/household`, errcode: 40014, times: 2 });
    await expect(client.get(ids[0]!)).rejects.toMatchObject({ errcode: 40014, retryable: false });
    expect(calls(PERSON)).toBe(2);
  });

  it('reports bad credentials as errcode 40001 with a zh-CN errmsg and no secret', async () => {
    const client = createHukouClient({ ...config, appSecret: 'wrong' }, { tokenCache: cache() });
    const error = await client.get(ids[0]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeptApiError);
    expect(error).toMatchObject({ errcode: 40001, errmsg: '应用标识或应用密钥不正确', path: '/v1/token' });
    expect(String((error as Error).message)).not.toContain('wrong');
  });
});

describe('pulls', () => {
  it('returns the record, null for an unknown person, and never puts the ID number in errors', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    const record = (await client.get(ids[5]!)) as HouseholdRecord;
    expect(record).toEqual(population.record('hukou', ids[5]!));
    expect(await client.get('11010519491231002X')).toBeNull();
    await expect(client.get('110105194912310021')).rejects.toThrow(RangeError);

    sim.setFault({ path: `/v1/persons/${ids[6]}/household`, errcode: 45009 });
    const error = (await client.get(ids[6]!).catch((e: unknown) => e)) as DeptApiError;
    expect(error.path).toBe(PERSON);
    expect(error.message).not.toContain(ids[6]);
  });

  it('batch: ≤100 distinct ID numbers, found and not found in request order', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    const unknown = '11010519491231002X';
    const items = await client.batchGet([ids[1]!, unknown, ids[2]!, ids[1]!]);
    expect(items.map((i) => [i.idNumber, i.found])).toEqual([
      [ids[1], true],
      [unknown, false],
      [ids[2], true],
    ]);
    expect(items[0]?.data).toEqual(population.record('hukou', ids[1]!));
    expect((await client.batchGet(ids.slice(0, 100))).length).toBe(100);
    await expect(client.batchGet(ids.slice(0, 101))).rejects.toThrow(RangeError);
    await expect(client.batchGet([])).rejects.toThrow(RangeError);

    // The source enforces the limit itself.
    const token = await client.getAccessToken();
    const raw = await postJson(
      config.apiBase,
      '/v1/persons/batch',
      { idNumbers: ids.slice(0, 101) },
      {
        access_token: token,
      },
    );
    expect(raw.body).toMatchObject({ errcode: 40004 });
    const bad = await postJson(
      config.apiBase,
      '/v1/persons/batch',
      { idNumbers: ['123'] },
      { access_token: token },
    );
    expect(bad.body).toMatchObject({ errcode: 40003, errmsg: '身份证号码格式不正确' });
  });

  it('rate limit: errcode 45009 per app, retryable but left to the caller', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    for (let i = 0; i < 50; i++) await client.get(ids[i]!);
    const error = await client.get(ids[50]!).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 45009, retryable: true, errmsg: '调用频率超过限制，请稍后重试' });
    expect(calls(PERSON)).toBe(51);
    advance(61);
    expect(await client.get(ids[50]!)).not.toBeNull();
  });

  it('retries errcode −1 and dropped connections, up to the attempts', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    const path = `/v1/persons/${ids[0]}/household`;
    sim.setFault({ path, errcode: -1, times: 1 });
    sim.setFault({ path, drop: true, times: 1 });
    expect(await client.get(ids[0]!)).not.toBeNull();
    expect(calls(PERSON)).toBe(3);

    sim.setFault({ path, errcode: -1, times: 3 });
    await expect(client.get(ids[0]!)).rejects.toMatchObject({ errcode: -1, retryable: true });
    sim.setFault({ path, drop: true, times: 3 });
    await expect(client.get(ids[0]!)).rejects.toBeInstanceOf(DeptTransportError);
  });

  it('gets through chaos (errors, resets, latency) by retrying', async () => {
    const client = createHukouClient(
      { ...config, retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 5 } },
      { tokenCache: cache() },
    );
    sim.chaos({ errorRate: 0.2, resetRate: 0.1, latencyMs: { min: 0, max: 5 }, seed: 7 });
    const records = await Promise.all(ids.slice(0, 40).map((id) => client.get(id)));
    expect(records.map((r) => r?.idNumber)).toEqual(ids.slice(0, 40));
    const { counts } = sim.chaosControl.get();
    expect(counts.errors + counts.resets).toBeGreaterThan(5);
  });
});

describe('change feed', () => {
  it('pages in order and resumes from a stored cursor', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    for (let i = 0; i < 5; i++)
      sim.emitChange({ type: 'moved_in', idNumbers: [ids[i]!], occurredAt: `2025-12-0${i + 1}` });
    const first = await client.changes({ limit: 2 });
    expect(first.changes.map((c) => c.seq)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);

    // A new client (after a restart) resumes from the stored cursor.
    const resumed = createHukouClient(config, { tokenCache: cache() });
    const pages = [];
    for await (const page of resumed.changePages({ cursor: first.nextCursor, limit: 2 })) pages.push(page);
    expect(pages.flatMap((p) => p.changes.map((c) => c.seq))).toEqual([3, 4, 5]);
    const last = pages.at(-1)!;
    expect(last.hasMore).toBe(false);

    const idle = await client.changes({ cursor: last.nextCursor });
    expect(idle).toMatchObject({ changes: [], nextCursor: last.nextCursor, hasMore: false });

    const record = { ...population.record('hukou', ids[0]!)!, address: '北京市东城区和平路1号' };
    sim.putRecord(ids[0]!, record, { type: 'record_updated', occurredAt: '2025-12-31' });
    const next = await client.changes({ cursor: last.nextCursor });
    expect(next.changes).toMatchObject([
      { seq: 6, type: 'record_updated', idNumbers: [ids[0]], occurredAt: '2025-12-31' },
    ]);
    expect((await client.get(ids[0]!))?.address).toBe('北京市东城区和平路1号');
  });

  it('refuses a bad cursor and a bad limit', async () => {
    const client = createHukouClient(config, { tokenCache: cache() });
    await expect(client.changes({ cursor: 'bm9wZQ' })).rejects.toMatchObject({ errcode: 40005 });
    await expect(client.changes({ cursor: Buffer.from('c1.9').toString('base64url') })).rejects.toMatchObject(
      {
        errcode: 40005,
      },
    );
    await expect(client.changes({ limit: 501 })).rejects.toMatchObject({ errcode: 40006 });
  });

  it('人社 has no change feed (40010) and moves its figures monthly', async () => {
    const si = createDeptSimulator('social-insurance', { population });
    const base = await si.listen(0);
    try {
      const client = createSocialInsuranceClient({ ...config, apiBase: base }, { tokenCache: cache() });
      const insured = ids.find((id) => population.record('social-insurance', id)?.status === '参保中')!;
      const before = (await client.get(insured))!;
      expect(si.advanceMonths(2)).toBe('2026-02');
      const after = (await client.get(insured))!;
      expect(after.insurances[0]!.months).toBe(before.insurances[0]!.months + 2);
      expect(after.dataMonth).toBe('2026-02');
      const token = await client.getAccessToken();
      expect((await getJson(base, '/v1/changes', { access_token: token })).body).toMatchObject({
        errcode: 40010,
      });
      expect(() => si.emitChange({ type: 'x', idNumbers: [insured] })).toThrow(/no change feed/);
      expect('changes' in client).toBe(true);
    } finally {
      await si.close();
    }
  });

  it('each source is reachable through the generic factory', async () => {
    const client = createDeptClient('hukou', config, { tokenCache: cache() });
    expect(client.source.resource).toBe('household');
  });
});
