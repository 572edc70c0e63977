import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkClient, createMemoryTokenCache, type DingtalkClient } from './client';
import { DingtalkApiError, DingtalkIpBannedError, DingtalkTransportError } from './errors';
import { createDingtalkSimulator, type DingtalkSimulator } from './simulator/simulator';
import { APP, fetchToken, getJson, postJson } from './simulator/testing';

let sim: DingtalkSimulator;
let client: DingtalkClient;

beforeEach(async () => {
  sim = createDingtalkSimulator({ ...APP, rateLimits: { appQps: 5, globalQps: 1000 } });
  const apiBase = await sim.listen(0);
  client = createDingtalkClient(
    { ...APP, apiBase, timeoutMs: 2000 },
    { tokenCache: createMemoryTokenCache() },
  );
});
afterEach(() => sim.close());

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );

describe('fault injection surfaces typed errors', () => {
  it('errcode faults → DingtalkApiError; -1 is retryable and the retry succeeds', async () => {
    sim.setFault({ path: '/topapi/v2/department/get', errcode: -1 });
    const error = await rejection(client.getDepartment(10));
    expect(error).toBeInstanceOf(DingtalkApiError);
    expect(error).toMatchObject({ errcode: -1, retryable: true, throttled: false });
    expect((await client.getDepartment(10)).name).toBe('市政务服务管理局');
  });

  it('flow-control codes are flagged throttled with a wait (§2.7); the monthly quota is not retryable', async () => {
    sim.setFault({ path: '/topapi/v2/user/get', errcode: 90018 });
    expect(await rejection(client.getUser('lina'))).toMatchObject({
      throttled: true,
      retryable: true,
      retryAfterMs: 1000,
    });
    sim.setFault({ path: '/topapi/v2/user/get', errcode: 90006 });
    expect(await rejection(client.getUser('lina'))).toMatchObject({ throttled: true, retryAfterMs: 60_000 });
    sim.setFault({ path: '/topapi/v2/user/get', errcode: 90020 });
    expect(await rejection(client.getUser('lina'))).toMatchObject({ throttled: true, retryable: false });
  });

  it('the x5 IP ban body → DingtalkIpBannedError waiting 5 minutes', async () => {
    sim.setFault({ path: '/topapi/v2/user/get', x5: true });
    const error = await rejection(client.getUser('lina'));
    expect(error).toBeInstanceOf(DingtalkIpBannedError);
    expect(error).toMatchObject({ retryAfterMs: 300_000, throttled: true });
  });

  it('latency past timeoutMs, a dropped socket and a non-200 status → DingtalkTransportError', async () => {
    const slow = createDingtalkClient(
      { ...APP, apiBase: sim.url, timeoutMs: 100 },
      { tokenCache: createMemoryTokenCache() },
    );
    sim.setFault({ path: '/gettoken', latencyMs: 1000 });
    expect(await rejection(slow.getAccessToken())).toMatchObject({ code: 'ECONNABORTED', retryable: true });
    sim.setFault({ path: '/gettoken', drop: true });
    expect(await rejection(client.getAccessToken())).toBeInstanceOf(DingtalkTransportError);
    const misrouted = createDingtalkClient(
      { ...APP, apiBase: `${sim.url}/wrong` },
      { tokenCache: createMemoryTokenCache() },
    );
    const error = await rejection(misrouted.getAccessToken());
    expect(error).toBeInstanceOf(DingtalkTransportError);
    expect(error).toMatchObject({ status: 404 });
    expect((error as Error).message).not.toContain(APP.appSecret);
  });

  it('faults over HTTP; DELETE clears them', async () => {
    await postJson(sim.url, '/__sandbox/faults', {
      path: '/topapi/v2/user/get',
      errcode: 88,
      subCode: '60011',
      times: 5,
    });
    expect(await rejection(client.getUser('lina'))).toMatchObject({ errcode: 88, subCode: '60011' });
    await fetch(new URL('/__sandbox/faults', sim.url), { method: 'DELETE' });
    expect((await client.getUser('lina')).userid).toBe('lina');
    expect((await postJson(sim.url, '/__sandbox/faults', { path: 'no-slash', errcode: 1 })).status).toBe(400);
  });
});

describe('rate limits (§2.7)', () => {
  it('per app and API: over appQps in one second → 90018; the next second is fine', async () => {
    const token = await fetchToken(sim.url);
    const call = () => postJson(sim.url, '/topapi/user/listid', { dept_id: 1 }, { access_token: token });
    const answers = await Promise.all(Array.from({ length: 8 }, call));
    const codes = answers.map((a) => a.body.errcode).sort();
    expect(codes.filter((c) => c === 0)).toHaveLength(5);
    expect(codes.filter((c) => c === 90018)).toHaveLength(3);
    // Other APIs have their own bucket.
    expect(
      (await postJson(sim.url, '/topapi/v2/user/get', { userid: 'lina' }, { access_token: token })).body
        .errcode,
    ).toBe(0);
    sim.advanceClock(1);
    expect((await call()).body.errcode).toBe(0);
  });

  it('the client surfaces 90018 as a throttled DingtalkApiError', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => client.listDepartmentUserIds(1)),
    );
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toMatchObject({ errcode: 90018, throttled: true });
  });

  it('the platform-wide bucket counts calls with bad tokens too → 90002', async () => {
    const strict = createDingtalkSimulator({ ...APP, rateLimits: { appQps: 100, globalQps: 3 } });
    const base = await strict.listen(0);
    try {
      const codes = [];
      for (let i = 0; i < 4; i += 1) {
        codes.push(
          (await postJson(base, '/topapi/user/listid', { dept_id: 1 }, { access_token: 'bad' })).body.errcode,
        );
      }
      expect(codes).toEqual([88, 88, 88, 90002]);
    } finally {
      await strict.close();
    }
  });
});

describe('HTTP edges', () => {
  it('unknown topapi methods are errcode 22; other unknown paths HTTP 404 errcode 404', async () => {
    const unknown = await postJson(sim.url, '/topapi/app/remove_auth', {});
    expect(unknown).toMatchObject({ status: 200, body: { errcode: 22 } });
    expect(String(unknown.body.sub_msg)).toContain('dingtalk.oapi.app.remove_auth');
    expect(await getJson(sim.url, '/nope')).toMatchObject({ status: 404, body: { errcode: 404 } });
    expect(sim.stats().byPath['(unknown)']).toBe(2);
  });

  it('malformed JSON and oversized bodies get the platform error shape (400002)', async () => {
    const token = await fetchToken(sim.url);
    expect(
      (await postJson(sim.url, '/topapi/v2/user/get', '{"userid":', { access_token: token })).body.errcode,
    ).toBe(400002);
    const big = JSON.stringify({ userid: 'x'.repeat(70_000) });
    expect((await postJson(sim.url, '/topapi/v2/user/get', big, { access_token: token })).body.errcode).toBe(
      400002,
    );
  });
});
