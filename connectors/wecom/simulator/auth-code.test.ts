import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWecomClient, type WecomClient } from '../client';
import { WecomApiError } from '../errors';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP, fetchToken, getJson, postJson } from './testing';

let sim: WecomSimulator;
let base: string;
let client: WecomClient;

beforeEach(async () => {
  sim = createWecomSimulator(CORP);
  base = await sim.listen(0);
  client = createWecomClient({ ...CORP, apiBase: base }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

const getuserinfo = async (code?: string) =>
  getJson(base, '/cgi-bin/auth/getuserinfo', {
    access_token: await fetchToken(base),
    ...(code === undefined ? {} : { code }),
  });

describe('GET /cgi-bin/auth/getuserinfo', () => {
  it('a member code answers {errcode 0, userid} (§3.2)', async () => {
    const { status, body } = await getuserinfo(sim.mintAuthCode('LiNa'));
    expect(status).toBe(200);
    expect(body).toEqual({ errcode: 0, errmsg: 'ok', userid: 'LiNa' });
    expect(await client.getUserIdentityByCode(sim.mintAuthCode('LiuYang'))).toEqual({
      kind: 'member',
      userid: 'LiuYang',
    });
  });

  it('snsapi_privateinfo adds a user_ticket', async () => {
    const identity = await client.getUserIdentityByCode(sim.mintAuthCode('LiNa', 'snsapi_privateinfo'));
    expect(identity).toMatchObject({ kind: 'member', userid: 'LiNa', userTicket: expect.any(String) });
  });

  it('a non-member code answers openid (and external_userid)', async () => {
    expect((await getuserinfo(sim.mintNonMemberCode('o-1'))).body).toEqual({
      errcode: 0,
      errmsg: 'ok',
      openid: 'o-1',
    });
    expect(await client.getUserIdentityByCode(sim.mintNonMemberCode('o-2', 'wm-2'))).toEqual({
      kind: 'non-member',
      openid: 'o-2',
      externalUserid: 'wm-2',
    });
  });

  it('codes are single-use: the second exchange is 40029', async () => {
    const code = sim.mintAuthCode('LiNa');
    await client.getUserIdentityByCode(code);
    const error = await client.getUserIdentityByCode(code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode: 40029, retryable: false, path: '/cgi-bin/auth/getuserinfo' });
    expect((error as Error).message).not.toContain(code);
  });

  it('codes expire after 5 minutes on the simulator clock (40029)', async () => {
    const fresh = sim.mintAuthCode('LiNa');
    const stale = sim.mintAuthCode('LiNa');
    sim.advanceClock(299);
    expect((await getuserinfo(fresh)).body.userid).toBe('LiNa');
    sim.advanceClock(2);
    expect((await getuserinfo(stale)).body.errcode).toBe(40029);
  });

  it('unknown codes 40029, a missing code 41008, a bad token 40014, no token 41001', async () => {
    expect((await getuserinfo('nope')).body.errcode).toBe(40029);
    expect((await getuserinfo('x'.repeat(600))).body.errcode).toBe(40029);
    expect((await getuserinfo()).body.errcode).toBe(41008);
    const code = sim.mintAuthCode('LiNa');
    expect(
      (await getJson(base, '/cgi-bin/auth/getuserinfo', { access_token: 'bad', code })).body.errcode,
    ).toBe(40014);
    expect((await getJson(base, '/cgi-bin/auth/getuserinfo', { code })).body.errcode).toBe(41001);
    // Refused calls did not consume the code.
    expect((await getuserinfo(code)).body.userid).toBe('LiNa');
  });
});

describe('GET /cgi-bin/gettoken', () => {
  it('the same token while valid with a shrinking expires_in; a new one after expiry', async () => {
    const q = { corpid: CORP.corpId, corpsecret: CORP.corpSecret };
    const first = (await getJson(base, '/cgi-bin/gettoken', q)).body;
    expect(first).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    sim.advanceClock(1000);
    const second = (await getJson(base, '/cgi-bin/gettoken', q)).body;
    expect(second).toMatchObject({ access_token: first.access_token, expires_in: 6200 });
    sim.advanceClock(6200);
    expect((await getJson(base, '/cgi-bin/gettoken', q)).body.access_token).not.toBe(first.access_token);
  });

  it('missing corpid 41002, missing secret 41004', async () => {
    expect((await getJson(base, '/cgi-bin/gettoken', { corpsecret: 'x' })).body.errcode).toBe(41002);
    expect((await getJson(base, '/cgi-bin/gettoken', { corpid: CORP.corpId })).body.errcode).toBe(41004);
  });
});

describe('sandbox auth codes', () => {
  it('mints member and non-member codes over HTTP; refuses unknown members', async () => {
    const member = await postJson(base, '/__sandbox/auth-code', { userid: 'ZhangWei' });
    expect(member.body.expires_in).toBe(300);
    expect((await getuserinfo(member.body.code as string)).body.userid).toBe('ZhangWei');
    const outsider = await postJson(base, '/__sandbox/auth-code', { openid: 'o-x', external_userid: 'wm-x' });
    expect((await getuserinfo(outsider.body.code as string)).body).toMatchObject({
      openid: 'o-x',
      external_userid: 'wm-x',
    });
    expect((await postJson(base, '/__sandbox/auth-code', { userid: 'ghost' })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/auth-code', { userid: 'LiNa', scope: 'all' })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/auth-code', {})).status).toBe(400);
  });
});
