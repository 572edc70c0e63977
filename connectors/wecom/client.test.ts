import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWecomClient, type WecomClient } from './client';
import { WecomApiError, WecomTransportError } from './errors';
import { createWecomSimulator, type WecomSimulator } from './simulator/simulator';
import { CORP, fetchToken, getJson, postJson } from './simulator/testing';

let sim: WecomSimulator;
let client: WecomClient;

beforeEach(async () => {
  sim = createWecomSimulator({ ...CORP, rateLimits: { callsPerMinute: 5 } });
  const apiBase = await sim.listen(0);
  client = createWecomClient({ ...CORP, apiBase, timeoutMs: 2000 }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );

describe('fault injection surfaces typed errors', () => {
  it('-1 → retryable WecomApiError, and the retry succeeds', async () => {
    sim.setFault({ path: '/cgi-bin/department/list', errcode: -1 });
    const error = await rejection(client.listDepartments());
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode: -1, retryable: true, throttled: false });
    expect(await client.listDepartments()).toHaveLength(4);
  });

  it('45009 and 45033 are throttled and retryable; config errors are not', async () => {
    sim.setFault({ path: '/cgi-bin/user/get', errcode: 45009 });
    expect(await rejection(client.getMember('LiNa'))).toMatchObject({
      throttled: true,
      retryable: true,
      retryAfterMs: 60_000,
    });
    sim.setFault({ path: '/cgi-bin/user/get', errcode: 45033 });
    expect(await rejection(client.getMember('LiNa'))).toMatchObject({ throttled: true, retryable: true });
    sim.setFault({ path: '/cgi-bin/user/get', errcode: 60020 });
    expect(await rejection(client.getMember('LiNa'))).toMatchObject({ errcode: 60020, retryable: false });
  });

  it('latency past timeoutMs, a dropped socket and a non-200 status → WecomTransportError', async () => {
    const slow = createWecomClient(
      { ...CORP, apiBase: sim.url, timeoutMs: 100 },
      { tokenCache: createMemoryTokenCache() },
    );
    sim.setFault({ path: '/cgi-bin/gettoken', latencyMs: 1000 });
    expect(await rejection(slow.getAccessToken())).toMatchObject({ code: 'ECONNABORTED', retryable: true });
    sim.setFault({ path: '/cgi-bin/gettoken', drop: true });
    expect(await rejection(client.getAccessToken())).toBeInstanceOf(WecomTransportError);
    const misrouted = createWecomClient(
      { ...CORP, apiBase: `${sim.url}/x` },
      { tokenCache: createMemoryTokenCache() },
    );
    const error = await rejection(misrouted.getAccessToken());
    expect(error).toMatchObject({ status: 404 });
    expect((error as Error).message).not.toContain(CORP.corpSecret);
  });

  it('faults over HTTP; DELETE clears them', async () => {
    await postJson(sim.url, '/__sandbox/faults', { path: '/cgi-bin/user/get', errcode: 60011, times: 3 });
    expect(await rejection(client.getMember('LiNa'))).toMatchObject({ errcode: 60011 });
    await fetch(new URL('/__sandbox/faults', sim.url), { method: 'DELETE' });
    expect((await client.getMember('LiNa')).userid).toBe('LiNa');
    expect((await postJson(sim.url, '/__sandbox/faults', { path: '/x', latencyMs: -1 })).status).toBe(400);
  });
});

describe('rate limit', () => {
  it('over callsPerMinute per API → 45009; other APIs unaffected; the next minute is fine', async () => {
    const token = await fetchToken(sim.url);
    const call = () => getJson(sim.url, '/cgi-bin/department/list', { access_token: token });
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push((await call()).body.errcode);
    expect(codes).toEqual([0, 0, 0, 0, 0, 45009]);
    expect(
      (await getJson(sim.url, '/cgi-bin/user/get', { access_token: token, userid: 'LiNa' })).body.errcode,
    ).toBe(0);
    await expect(client.listDepartments()).rejects.toMatchObject({ errcode: 45009, throttled: true });
    sim.advanceClock(60);
    expect((await call()).body.errcode).toBe(0);
  });
});

describe('HTTP edges', () => {
  it('malformed JSON and oversized bodies → 40058; unknown paths HTTP 404', async () => {
    const token = await fetchToken(sim.url);
    expect(
      (await postJson(sim.url, '/cgi-bin/user/list_id', '{"limit":', { access_token: token })).body.errcode,
    ).toBe(40058);
    const big = JSON.stringify({ pad: 'x'.repeat(70_000) });
    expect(
      (await postJson(sim.url, '/cgi-bin/user/list_id', big, { access_token: token })).body.errcode,
    ).toBe(40058);
    expect((await getJson(sim.url, '/cgi-bin/nope')).status).toBe(404);
    expect((await getJson(sim.url, '/cgi-bin/user/list_id')).status).toBe(404);
    expect(sim.stats().byPath['(unknown)']).toBe(1);
  });
});
