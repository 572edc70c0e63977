import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkClient, createMemoryTokenCache, type DingtalkClient } from '../client';
import { DingtalkApiError } from '../errors';
import { createDingtalkSimulator, type DingtalkSimulator } from './simulator';
import { APP, fetchToken, getJson, postJson } from './testing';

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;

beforeEach(async () => {
  sim = createDingtalkSimulator(APP);
  base = await sim.listen(0);
  client = createDingtalkClient({ ...APP, apiBase: base }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

const getuserinfo = async (code: unknown) =>
  postJson(base, '/topapi/v2/user/getuserinfo', { code }, { access_token: await fetchToken(base) });

describe('POST /topapi/v2/user/getuserinfo (免登)', () => {
  it('answers the §2.3 shape with errcode 0 and a request_id', async () => {
    const { status, body } = await getuserinfo(sim.mintAuthCode('zhangwei'));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      request_id: expect.any(String),
      result: { userid: 'zhangwei', unionid: 'u-zhangwei', name: '张伟', sys: true, sys_level: 2 },
    });
  });

  it('client maps it to camelCase', async () => {
    expect(await client.getUserInfoByCode(sim.mintAuthCode('mayor'))).toMatchObject({
      userid: 'mayor',
      unionid: 'u-mayor',
      name: '周建国',
      sys: false,
      sysLevel: 100,
    });
  });

  it('codes are single-use: the second exchange is 40078', async () => {
    const code = sim.mintAuthCode('lina');
    expect((await client.getUserInfoByCode(code)).userid).toBe('lina');
    const error = await client.getUserInfoByCode(code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DingtalkApiError);
    expect(error).toMatchObject({ errcode: 40078, retryable: false, path: '/topapi/v2/user/getuserinfo' });
    expect((error as Error).message).not.toContain(code);
  });

  it('codes expire after codeTtlSeconds on the simulator clock (40078)', async () => {
    const fresh = sim.mintAuthCode('lina');
    const stale = sim.mintAuthCode('lina');
    sim.advanceClock(299);
    expect((await getuserinfo(fresh)).body.result).toMatchObject({ userid: 'lina' });
    sim.advanceClock(2);
    expect((await getuserinfo(stale)).body.errcode).toBe(40078);
  });

  it('unknown codes are 40078; a blank code is 88 with sub_code 40000', async () => {
    expect((await getuserinfo('nope')).body.errcode).toBe(40078);
    expect((await getuserinfo('')).body).toMatchObject({ errcode: 88, sub_code: '40000' });
    expect((await getuserinfo(42)).body).toMatchObject({ errcode: 88, sub_code: '40000' });
  });

  it('a call without a valid token is 88/40014 and does not consume the code', async () => {
    const code = sim.mintAuthCode('lina');
    const bad = await postJson(base, '/topapi/v2/user/getuserinfo', { code }, { access_token: 'made-up' });
    expect(bad.body).toMatchObject({ errcode: 88, sub_code: '40014', sub_msg: '不合法的access_token' });
    expect(String(bad.body.errmsg)).toContain('subcode=40014');
    expect((await getuserinfo(code)).body.errcode).toBe(0);
  });
});

describe('GET /gettoken', () => {
  it('answers {errcode 0, access_token, expires_in 7200}; the same token while valid, renewed', async () => {
    const first = await getJson(base, '/gettoken', { appkey: APP.appKey, appsecret: APP.appSecret });
    expect(first.body).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      expires_in: 7200,
      access_token: expect.any(String),
    });
    sim.advanceClock(7000);
    const second = await getJson(base, '/gettoken', { appkey: APP.appKey, appsecret: APP.appSecret });
    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(7200);
    sim.advanceClock(7200);
    expect(sim.isAccessTokenValid(first.body.access_token as string)).toBe(false);
    expect((await fetchToken(base)) === first.body.access_token).toBe(false);
  });

  it('wrong or missing credentials are 40096 with HTTP 200', async () => {
    expect(await getJson(base, '/gettoken', { appkey: APP.appKey, appsecret: 'x' })).toMatchObject({
      status: 200,
      body: { errcode: 40096 },
    });
    expect((await getJson(base, '/gettoken')).body.errcode).toBe(40096);
  });
});

describe('sandbox auth codes', () => {
  it('POST /__sandbox/auth-code mints a code for a member', async () => {
    const minted = await postJson(base, '/__sandbox/auth-code', { userid: 'liuyang' });
    expect(minted.body.expires_in).toBe(300);
    expect((await client.getUserInfoByCode(minted.body.code as string)).name).toBe('刘洋');
  });

  it('refuses unknown users and bad bodies with HTTP 400', async () => {
    expect((await postJson(base, '/__sandbox/auth-code', { userid: 'ghost' })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/auth-code', '[1]')).status).toBe(400);
    expect(() => sim.mintAuthCode('ghost')).toThrow();
  });

  it('POST /__sandbox/clock expires codes', async () => {
    const code = sim.mintAuthCode('lina');
    expect((await postJson(base, '/__sandbox/clock', { advanceSeconds: 301 })).status).toBe(200);
    expect((await getuserinfo(code)).body.errcode).toBe(40078);
  });
});
