import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWechatClient, type WechatClient } from '../client';
import { WechatTransportError } from '../errors';
import { PhoneNumberError, phoneNumberFailureKind } from '../phone-number-error';
import { createWechatSimulator, type WechatSimulator } from '../simulator/simulator';
import { APP } from '../simulator/testing';
import { createWechatHttp } from '../transport/http';
import { getPhoneNumber, PHONE_NUMBER_PATH } from './get-phone-number';

let sim: WechatSimulator;
let client: WechatClient;
let apiBase: string;

const PHONE = '13900000002';

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  apiBase = await sim.listen(0);
  client = createWechatClient({ ...APP, apiBase, timeoutMs: 500 }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('client.getPhoneNumber', () => {
  it('returns the number with its country code, using the cached token', async () => {
    const first = await client.getPhoneNumber(sim.mintPhoneCode('o-c1', PHONE), { openid: 'o-c1' });
    expect(first).toEqual({
      phoneNumber: `+86 ${PHONE}`,
      purePhoneNumber: PHONE,
      countryCode: '86',
      issuedAt: expect.any(Number),
    });
    await client.getPhoneNumber(sim.mintPhoneCode('o-c1', PHONE));
    expect(sim.stats().byPath['/cgi-bin/stable_token']).toBe(1);
  });

  it('invalidCode (permanent): a used, expired or foreign code is 40029; the message holds neither code nor number', async () => {
    const code = sim.mintPhoneCode('o-c2', PHONE);
    await client.getPhoneNumber(code);
    const used = await failure(client.getPhoneNumber(code));
    expect(used).toBeInstanceOf(PhoneNumberError);
    expect(used).toMatchObject({ errcode: 40029, kind: 'invalidCode', retryable: false });
    expect(String((used as Error).message)).not.toContain(code);
    const stale = sim.mintPhoneCode('o-c2', PHONE);
    sim.advanceClock(301);
    expect(await failure(client.getPhoneNumber(stale))).toMatchObject({ kind: 'invalidCode' });
    const foreign = sim.mintPhoneCode('o-c2', PHONE);
    expect(await failure(client.getPhoneNumber(foreign, { openid: 'o-other' }))).toMatchObject({
      kind: 'invalidCode',
    });
  });

  it('-1 is retryable and 45011 rateLimited (both `retryable`); the code survives for the retry', async () => {
    const code = sim.mintPhoneCode('o-c3', PHONE);
    sim.setFault({ path: PHONE_NUMBER_PATH, errcode: -1 });
    const busy = await failure(client.getPhoneNumber(code));
    expect(busy).toMatchObject({ errcode: -1, kind: 'retryable', retryable: true });
    sim.setFault({ path: PHONE_NUMBER_PATH, errcode: 45011 });
    const limited = await failure(client.getPhoneNumber(code));
    expect(limited).toMatchObject({ errcode: 45011, kind: 'rateLimited', retryable: true });
    expect(phoneNumberFailureKind(limited)).toBe('rateLimited');
    expect((await client.getPhoneNumber(code)).purePhoneNumber).toBe(PHONE);
  });

  it('refetches the token once on 42001 and succeeds', async () => {
    await client.getPhoneNumber(sim.mintPhoneCode('o-c4', PHONE));
    sim.advanceClock(7300);
    const code = sim.mintPhoneCode('o-c4', PHONE);
    expect((await client.getPhoneNumber(code)).purePhoneNumber).toBe(PHONE);
    expect(sim.stats().byPath['/cgi-bin/stable_token']).toBe(2);
  });

  it('refuses an answer whose watermark names another app (40013, permanent)', async () => {
    // This app's token and code, read as if the gateway were configured for another appid.
    const token = await client.getAccessToken();
    const code = sim.mintPhoneCode('o-c5', PHONE);
    const http = createWechatHttp({ apiBase, timeoutMs: 500 });
    const error = await failure(getPhoneNumber(http, token, 'wx-other-app', { code }));
    expect(error).toMatchObject({ errcode: 40013, kind: 'permanent' });
  });

  it('a dropped connection is a WechatTransportError (retryable)', async () => {
    await client.getAccessToken();
    sim.setFault({ path: PHONE_NUMBER_PATH, drop: true });
    const error = await failure(client.getPhoneNumber(sim.mintPhoneCode('o-c6', PHONE)));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect(phoneNumberFailureKind(error)).toBe('retryable');
  });
});
