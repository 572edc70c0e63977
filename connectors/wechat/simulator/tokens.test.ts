import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, getJson, secondsToNextBeijingDay, stableToken } from './testing';

let sim: WechatSimulator;
let base: string;

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  base = await sim.listen(0);
});
afterEach(() => sim.close());

const callbackIp = (token?: string) =>
  getJson(base, '/cgi-bin/getcallbackip', token === undefined ? {} : { access_token: token });
const basicToken = (query: Record<string, string> = {}) =>
  getJson(base, '/cgi-bin/token', {
    grant_type: 'client_credential',
    appid: APP.appId,
    secret: APP.appSecret,
    ...query,
  });

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while valid, with a shrinking expires_in', async () => {
    const first = await stableToken(base);
    expect(first.status).toBe(200);
    expect(first.body.expires_in).toBe(7200);
    expect(first.body).not.toHaveProperty('errcode');
    sim.advanceClock(1000);
    const second = await stableToken(base);
    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(6200);
  });

  it('auto-refreshes in the last 5 minutes; the old token lives until its own expiry', async () => {
    const old = (await stableToken(base)).body.access_token as string;
    sim.advanceClock(7200 - 301);
    expect((await stableToken(base)).body.access_token).toBe(old);
    sim.advanceClock(2);
    const fresh = await stableToken(base);
    expect(fresh.body.access_token).not.toBe(old);
    expect(fresh.body.expires_in).toBe(7200);
    expect((await callbackIp(old)).body.ip_list).toBeDefined();
    sim.advanceClock(300);
    expect((await callbackIp(old)).body.errcode).toBe(42001);
    expect((await callbackIp(fresh.body.access_token as string)).body.ip_list).toBeDefined();
  });

  it('force_refresh issues a new token and kills the old one at once (40001)', async () => {
    const old = (await stableToken(base)).body.access_token as string;
    const forced = await stableToken(base, true);
    expect(forced.body.access_token).not.toBe(old);
    expect((await callbackIp(old)).body.errcode).toBe(40001);
    expect(sim.checkAccessToken(forced.body.access_token as string)).toBe(0);
    expect((await stableToken(base)).body.access_token).toBe(forced.body.access_token);
  });

  it('force_refresh: >= 30 s apart (45011) and at most 20 a day (45009)', async () => {
    sim.advanceClock(secondsToNextBeijingDay(Date.now()));
    expect((await stableToken(base, true)).body.access_token).toBeDefined();
    sim.advanceClock(29);
    expect((await stableToken(base, true)).body.errcode).toBe(45011);
    for (let i = 2; i <= 20; i += 1) {
      sim.advanceClock(30);
      expect((await stableToken(base, true)).body.access_token).toBeDefined();
    }
    sim.advanceClock(30);
    expect((await stableToken(base, true)).body.errcode).toBe(45009);
    // Normal mode is not affected by the force-refresh quota.
    expect((await stableToken(base)).body.access_token).toBeDefined();
    sim.advanceClock(86_400);
    expect((await stableToken(base, true)).body.access_token).toBeDefined();
  });

  it('checks appid (40013), secret (40001) and grant_type (40002)', async () => {
    expect((await stableToken(base, false, { appid: 'wx-other' })).body.errcode).toBe(40013);
    expect((await stableToken(base, false, { secret: 'nope' })).body.errcode).toBe(40001);
    expect((await stableToken(base, false, { grant_type: 'password' })).body.errcode).toBe(40002);
  });

  it('is isolated from /cgi-bin/token', async () => {
    const stable = (await stableToken(base)).body.access_token as string;
    await basicToken();
    await basicToken();
    sim.advanceClock(301);
    expect((await stableToken(base)).body.access_token).toBe(stable);
    expect(sim.checkAccessToken(stable)).toBe(0);
  });
});

describe('GET /cgi-bin/token', () => {
  it('issues a new token each time; the previous one stays valid for 5 more minutes', async () => {
    const first = await basicToken();
    expect(first.body).toMatchObject({ expires_in: 7200 });
    expect(first.body).not.toHaveProperty('errcode');
    const second = await basicToken();
    expect(second.body.access_token).not.toBe(first.body.access_token);
    sim.advanceClock(299);
    expect((await callbackIp(first.body.access_token as string)).body.ip_list).toBeDefined();
    sim.advanceClock(2);
    expect((await callbackIp(first.body.access_token as string)).body.errcode).toBe(42001);
    expect((await callbackIp(second.body.access_token as string)).body.ip_list).toBeDefined();
  });

  it('does not shorten stable tokens', async () => {
    const stable = (await stableToken(base)).body.access_token as string;
    await basicToken();
    sim.advanceClock(600);
    expect(sim.checkAccessToken(stable)).toBe(0);
  });

  it('checks appid, secret and grant_type', async () => {
    expect((await basicToken({ appid: 'wx-x' })).body.errcode).toBe(40013);
    expect((await basicToken({ secret: 'x' })).body.errcode).toBe(40001);
    expect((await basicToken({ grant_type: 'authorization_code' })).body.errcode).toBe(40002);
  });
});

describe('GET /cgi-bin/getcallbackip', () => {
  it('41001 without a token, 40014 for an unknown one, 42001 once expired', async () => {
    expect((await callbackIp()).body.errcode).toBe(41001);
    expect((await callbackIp('made-up')).body.errcode).toBe(40014);
    const token = (await stableToken(base)).body.access_token as string;
    expect((await callbackIp(token)).body.ip_list).toEqual(expect.arrayContaining([expect.any(String)]));
    sim.advanceClock(7200);
    expect((await callbackIp(token)).body.errcode).toBe(42001);
  });
});
