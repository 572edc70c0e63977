import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, exchange, getJson } from './testing';

let sim: WechatSimulator;
let base: string;

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  base = await sim.listen(0);
});
afterEach(() => sim.close());

describe('GET /sns/jscode2session', () => {
  it('answers openid and a 16-byte base64 session_key, without errcode and without unionid', async () => {
    const { status, body } = await exchange(base, sim.mintLoginCode('o-user-1'));
    expect(status).toBe(200);
    expect(body.openid).toBe('o-user-1');
    expect(Buffer.from(body.session_key as string, 'base64')).toHaveLength(16);
    expect(body).not.toHaveProperty('unionid');
    expect(body.errcode ?? 0).toBe(0);
  });

  it('returns unionid only for codes minted with one', async () => {
    const { body } = await exchange(base, sim.mintLoginCode('o-user-2', 'u-union-2'));
    expect(body.unionid).toBe('u-union-2');
  });

  it('makes a code single-use: the second exchange is 40163', async () => {
    const code = sim.mintLoginCode('o-user-3');
    expect((await exchange(base, code)).body.openid).toBe('o-user-3');
    const second = await exchange(base, code);
    expect(second.status).toBe(200);
    expect(second.body.errcode).toBe(40163);
  });

  it('rejects unknown and missing codes with 40029', async () => {
    expect((await exchange(base, 'not-a-code')).body.errcode).toBe(40029);
    const missing = await getJson(base, '/sns/jscode2session', {
      appid: APP.appId,
      secret: APP.appSecret,
      grant_type: 'authorization_code',
    });
    expect(missing.body.errcode).toBe(40029);
  });

  it('expires codes after codeTtlSeconds on the simulator clock (40029)', async () => {
    const fresh = sim.mintLoginCode('o-user-4');
    const stale = sim.mintLoginCode('o-user-4');
    sim.advanceClock(299);
    expect((await exchange(base, fresh)).body.openid).toBe('o-user-4');
    sim.advanceClock(2);
    expect((await exchange(base, stale)).body.errcode).toBe(40029);
  });

  it('checks appid (40013), secret (40125) and grant_type (40002) with HTTP 200', async () => {
    const code = sim.mintLoginCode('o-user-5');
    const wrongApp = await exchange(base, code, { appid: 'wx-other' });
    expect(wrongApp).toMatchObject({ status: 200, body: { errcode: 40013 } });
    expect((await exchange(base, code, { secret: 'wrong' })).body.errcode).toBe(40125);
    expect((await exchange(base, code, { grant_type: 'client_credential' })).body.errcode).toBe(40002);
    // None of the rejected calls consumed the code.
    expect((await exchange(base, code)).body.openid).toBe('o-user-5');
  });

  it('limits each openid to 100 logins a minute: the 101st is 45011, other users are unaffected', async () => {
    for (let i = 0; i < 100; i += 1) {
      expect((await exchange(base, sim.mintLoginCode('o-busy'))).body.openid).toBe('o-busy');
    }
    const limited = sim.mintLoginCode('o-busy');
    expect((await exchange(base, limited)).body.errcode).toBe(45011);
    expect((await exchange(base, sim.mintLoginCode('o-calm'))).body.openid).toBe('o-calm');
    sim.advanceClock(61);
    // The limited code was not consumed and is still inside its 5-minute life.
    expect((await exchange(base, limited)).body.openid).toBe('o-busy');
  });

  it('errmsg never echoes the secret or the code', async () => {
    const { body } = await exchange(base, 'secret-looking-code', { secret: 'my-wrong-secret' });
    expect(String(body.errmsg)).not.toMatch(/secret-looking-code|my-wrong-secret/);
  });
});
