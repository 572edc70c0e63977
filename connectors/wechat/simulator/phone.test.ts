import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, postJson, stableToken } from './testing';

let sim: WechatSimulator;
let base: string;
let token: string;

// Fictitious numbers (139 0000 xxxx).
const PHONE = '13900000001';

function exchange(body: unknown, accessToken: string | null = token) {
  return postJson(
    base,
    '/wxa/business/getuserphonenumber',
    body,
    accessToken ? { access_token: accessToken } : {},
  );
}

beforeEach(async () => {
  sim = createWechatSimulator({ ...APP, phoneRatePerMinute: 3 });
  base = await sim.listen(0);
  token = (await stableToken(base)).body.access_token as string;
});
afterEach(() => sim.close());

describe('POST /wxa/business/getuserphonenumber', () => {
  it('answers phone_info with a watermark of this app and the simulator time', async () => {
    const minted = await postJson(base, '/__sandbox/phone-codes', { openid: 'o-p1', phone: PHONE });
    expect(minted).toMatchObject({ status: 200, body: { code: expect.any(String), expires_in: 300 } });
    const { status, body } = await exchange({ code: minted.body.code });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: `+86 ${PHONE}`,
        purePhoneNumber: PHONE,
        countryCode: '86',
        watermark: { appid: APP.appId, timestamp: expect.any(Number) },
      },
    });
    const stamp = (body.phone_info as { watermark: { timestamp: number } }).watermark.timestamp;
    expect(Math.abs(stamp - Date.now() / 1000)).toBeLessThan(5);
    expect(sim.phoneExchanges('o-p1')).toHaveLength(1);
    expect(JSON.stringify(sim.phoneExchanges())).not.toContain(PHONE);
  });

  it('codes are single-use: the second exchange is 40029', async () => {
    const code = sim.mintPhoneCode('o-p2', PHONE);
    expect((await exchange({ code })).body.errcode).toBe(0);
    expect((await exchange({ code })).body.errcode).toBe(40029);
  });

  it('codes expire after 5 minutes on the simulator clock (40029); unknown and missing codes are 40029', async () => {
    const fresh = sim.mintPhoneCode('o-p3', PHONE);
    const stale = sim.mintPhoneCode('o-p3', PHONE);
    sim.advanceClock(299);
    expect((await exchange({ code: fresh })).body.errcode).toBe(0);
    sim.advanceClock(2);
    expect((await exchange({ code: stale })).body.errcode).toBe(40029);
    expect((await exchange({ code: 'nope' })).body.errcode).toBe(40029);
    expect((await exchange({})).body.errcode).toBe(40029);
  });

  it('an openid sent along must be the code user (40029), and the code survives the mismatch', async () => {
    const code = sim.mintPhoneCode('o-p4', PHONE);
    expect((await exchange({ code, openid: 'o-someone-else' })).body.errcode).toBe(40029);
    expect((await exchange({ code, openid: 'o-p4' })).body.errcode).toBe(0);
  });

  it('checks the access token: 41001 without, 40014 unknown, 42001 expired', async () => {
    const code = sim.mintPhoneCode('o-p5', PHONE);
    expect((await exchange({ code }, null)).body.errcode).toBe(41001);
    expect((await exchange({ code }, 'bogus')).body.errcode).toBe(40014);
    sim.advanceClock(7201);
    expect((await exchange({ code }, token)).body.errcode).toBe(42001);
  });

  it('limits the app to phoneRatePerMinute exchanges a minute (45011) without consuming the code', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await exchange({ code: sim.mintPhoneCode(`o-r${i}`, PHONE) })).body.errcode).toBe(0);
    }
    const limited = sim.mintPhoneCode('o-r9', PHONE);
    expect((await exchange({ code: limited })).body.errcode).toBe(45011);
    sim.advanceClock(61);
    token = (await stableToken(base)).body.access_token as string;
    expect((await exchange({ code: limited })).body.errcode).toBe(0);
  });

  it('answers 47001 for a body that is not an object, and errmsg never echoes the code', async () => {
    expect((await exchange('[1]')).body.errcode).toBe(47001);
    const { body } = await exchange({ code: 'secret-looking-code' });
    expect(String(body.errmsg)).not.toContain('secret-looking-code');
  });
});

describe('POST /__sandbox/phone-codes', () => {
  it('refuses a missing openid or a malformed number with 400', async () => {
    expect((await postJson(base, '/__sandbox/phone-codes', { phone: PHONE })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/phone-codes', { openid: 'o', phone: '1390000' })).status).toBe(
      400,
    );
    expect((await postJson(base, '/__sandbox/phone-codes', { openid: 'o', phone: 13900000001 })).status).toBe(
      400,
    );
    expect(
      (await postJson(base, '/__sandbox/phone-codes', { openid: 'o', phone: '12', countryCode: '852' }))
        .status,
    ).toBe(400);
  });

  it('mints codes for numbers outside the mainland with their country code', async () => {
    const minted = await postJson(base, '/__sandbox/phone-codes', {
      openid: 'o-hk',
      phone: '51234567',
      countryCode: '852',
    });
    const { body } = await exchange({ code: minted.body.code });
    expect(body.phone_info).toMatchObject({ purePhoneNumber: '51234567', countryCode: '852' });
  });

  it('lists successful exchanges over HTTP', async () => {
    await exchange({ code: sim.mintPhoneCode('o-list', PHONE) });
    const listed = await fetch(new URL('/__sandbox/phone-exchanges?openid=o-list', base));
    expect(((await listed.json()) as { exchanges: unknown[] }).exchanges).toEqual([
      { openid: 'o-list', at: expect.any(Number) },
    ]);
  });
});
