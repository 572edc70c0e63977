// 绑定手机号 over real HTTP against the in-process WeChat and SMS simulators, on the dialect of the
// environment. Every answer goes through `call` (which fails on a clear phone number outside the
// citizen's own export) and every log line through the test gateway's scanner (checked on stop).
import { randomUUID } from 'node:crypto';
import { createSmsSimulator, type SmsSimulator } from '@gcrm/connectors/sms';
import type { WechatSimulator } from '@gcrm/connectors/wechat';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../tests/support/http';
import { dialect } from '../../test/test-env';
import { startTestGateway, type TestGateway } from '../../test/test-gateway';
import { openFieldCipher, openPersonalDataCrypto } from '../platform/crypto';
import { createDatabase, type Database } from '../platform/db/database';
import { memoryRateLimiters } from '../platform/ratelimit/rate-limit';
import { createPhoneBinding } from './phone.service';
import { rotatePhoneNumbers } from './phone-rotation';

// Fictitious numbers: 139 0000 xxxx, one per test so that per-number limits stay out of the way.
const number = (n: number) => `1390000${String(n).padStart(4, '0')}`;
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

describe(`phone binding (${dialect})`, () => {
  let t: TestGateway;
  let wechat: WechatSimulator;
  let database: Database;

  beforeAll(async () => {
    t = await startTestGateway();
    wechat = t.gateway.wechatSimulator!;
    database = createDatabase(t.env.config.database);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop(); // throws if any log line held a clear phone number
  });

  const citizen = async () => {
    const openid = `o-phone-${randomUUID()}`;
    return { openid, ...(await t.login(openid)) };
  };
  const me = (token: string) => call(`${t.url}/api/v1/me`, { token });
  const bindWechat = (token: string, code: string) =>
    call(`${t.url}/api/v1/me/phone/wechat`, { token, body: { code } });
  const sendCode = (token: string, phone: string) =>
    call(`${t.url}/api/v1/me/phone/sms-code`, { token, body: { phone } });
  const bindSms = (token: string, phone: string, smsCode: string) =>
    call(`${t.url}/api/v1/me/phone`, { token, body: { phone, smsCode } });
  /** The code of the last SMS the simulator recorded for `phone`. */
  const smsCodeFor = (phone: string) => {
    const sent = t.gateway.smsSimulator!.messages(phone);
    return String(sent[sent.length - 1]?.params.code);
  };
  const stored = async (citizenId: string) =>
    (
      await sql<{ phone_ct: string; phone_bidx: string }>`
        SELECT phone_ct, phone_bidx FROM citizen_phones WHERE citizen_id = ${citizenId}`.execute(database.db)
    ).rows[0];

  it('GET /me: nothing bound yet; the channel of the sign-in (wechat, or sandbox for the H5 login)', async () => {
    const c = await citizen();
    const res = await me(c.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: c.citizenId,
      phoneBound: false,
      phoneMasked: null,
      phoneVerifiedAt: null,
      phoneMethod: null,
      channel: 'wechat',
    });
    const sandbox = await call(`${t.url}/api/v1/auth/sandbox`, { body: {} });
    expect((await me(sandbox.body.accessToken)).body.channel).toBe('sandbox');
    expect((await call(`${t.url}/api/v1/me`)).status).toBe(401);
  });

  it('WeChat: binds the number behind a getPhoneNumber code, stored encrypted; /me shows it masked', async () => {
    const c = await citizen();
    const phone = number(1);
    // The sandbox control endpoint, as the H5 sandbox and tests get a code.
    const minted = await call(`${t.gateway.wechatSimulatorUrl}/__sandbox/phone-codes`, {
      body: { openid: c.openid, phone },
    });
    const before = Date.now();
    const res = await bindWechat(c.accessToken, minted.body.code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ phoneMasked: masked(phone) });
    const after = await me(c.accessToken);
    expect(after.body).toMatchObject({
      phoneBound: true,
      phoneMasked: '139****0001',
      phoneMethod: 'wechat',
    });
    expect(after.body.phoneVerifiedAt).toBeGreaterThanOrEqual(before);
    expect(wechat.phoneExchanges(c.openid)).toHaveLength(1);

    const row = await stored(c.citizenId);
    expect(row?.phone_ct).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(row)).not.toContain(phone);
    expect(JSON.stringify(row)).not.toContain(phone.slice(-8));
  });

  it('WeChat: a used, expired or foreign code is 422 phone_code_invalid at /code', async () => {
    const c = await citizen();
    const used = wechat.mintPhoneCode(c.openid, number(2));
    expect((await bindWechat(c.accessToken, used)).status).toBe(200);
    const again = await bindWechat(c.accessToken, used);
    expect(again.status).toBe(422);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body).toMatchObject({
      code: 'phone_code_invalid',
      detail: '授权已失效，请重新获取手机号',
      errors: [{ pointer: '/code', code: 'phone_code_invalid', message: '授权已失效，请重新获取手机号' }],
    });

    const stale = wechat.mintPhoneCode(c.openid, number(3));
    wechat.advanceClock(301);
    expect((await bindWechat(c.accessToken, stale)).body.code).toBe('phone_code_invalid');

    // A code of another WeChat user: the gateway sends the citizen's openid along.
    const foreign = wechat.mintPhoneCode('o-someone-else', number(4));
    expect((await bindWechat(c.accessToken, foreign)).body.code).toBe('phone_code_invalid');
    expect((await me(c.accessToken)).body.phoneMasked).toBe(masked(number(2)));
  });

  it('WeChat busy (-1) or rate limited (45011): 503 with Retry-After, and the code still works after', async () => {
    const c = await citizen();
    const code = wechat.mintPhoneCode(c.openid, number(5));
    wechat.setFault({ path: '/wxa/business/getuserphonenumber', errcode: -1 });
    const busy = await bindWechat(c.accessToken, code);
    expect(busy.status).toBe(503);
    expect(busy.body).toMatchObject({ code: 'wechat_busy', detail: '微信服务繁忙，请稍后重试' });
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    wechat.setFault({ path: '/wxa/business/getuserphonenumber', errcode: 45011 });
    const limited = await bindWechat(c.accessToken, code);
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await bindWechat(c.accessToken, code)).status).toBe(200);
  });

  it('H5 sandbox: the gateway mints a getPhoneNumber code for the signed-in citizen (embedded mode only)', async () => {
    const login = await call(`${t.url}/api/v1/auth/sandbox`, { body: {} });
    const token = login.body.accessToken as string;
    const phone = number(6);
    const minted = await call(`${t.url}/api/v1/me/phone/sandbox-code`, { token, body: { phone } });
    expect(minted.status).toBe(200);
    expect(minted.body).toEqual({ code: expect.any(String) });
    expect((await bindWechat(token, minted.body.code)).body).toEqual({ phoneMasked: masked(phone) });
    expect((await me(token)).body).toMatchObject({ channel: 'sandbox', phoneMethod: 'wechat' });
    const bad = await call(`${t.url}/api/v1/me/phone/sandbox-code`, { token, body: { phone: '1390000' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('/phone');
  });

  it('refuses a number outside the mainland (422 phone_not_supported) and malformed bodies (400)', async () => {
    const c = await citizen();
    const hk = wechat.mintPhoneCode(c.openid, '51234567', '852');
    const res = await bindWechat(c.accessToken, hk);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('phone_not_supported');
    const empty = await call(`${t.url}/api/v1/me/phone/wechat`, { token: c.accessToken, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].pointer).toBe('/code');
  });

  it('SMS: sends a 6-digit code (read from the simulator), binds with it, replaces the WeChat number; audited without the number', async () => {
    const c = await citizen();
    expect((await bindWechat(c.accessToken, wechat.mintPhoneCode(c.openid, number(10)))).status).toBe(200);
    const phone = number(11);
    const sent = await sendCode(c.accessToken, phone);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ expiresIn: 300, resendAfter: 60 });
    const code = smsCodeFor(phone);
    expect(code).toMatch(/^\d{6}$/);
    // Embedded mode with the in-process SMS simulator: the answer carries the code for the browser.
    expect(sent.body.sandboxCode).toBe(code);
    const message = t.gateway.smsSimulator!.messages(phone).at(-1)!;
    expect(message).toMatchObject({ templateCode: 'SMS_VERIFY_CODE', signName: '政务服务中心' });
    expect(message.content).toContain(code);

    const bound = await bindSms(c.accessToken, phone, code);
    expect(bound.status).toBe(200);
    expect(bound.body).toEqual({ phoneMasked: masked(phone) });
    expect((await me(c.accessToken)).body).toMatchObject({ phoneMasked: masked(phone), phoneMethod: 'sms' });
    // Single use.
    expect((await bindSms(c.accessToken, phone, code)).body.code).toBe('sms_code_expired');

    const auditor = await t.staffLogin('st-admin-audit');
    const log = await call(`${t.url}/api/v1/admin/audit?action=citizen.phone.bind`, { token: auditor });
    const mine = log.body.items.filter((r: { actorId: string }) => r.actorId === c.citizenId);
    expect(mine.map((r: { details: unknown }) => r.details)).toEqual(
      expect.arrayContaining([
        { method: 'wechat', replaced: false },
        { method: 'sms', replaced: true },
      ]),
    );
    // No number, not even masked, in what was recorded (ids and times aside).
    const recorded = mine.map(({ details, objectId }: { details: unknown; objectId: string }) => ({
      details,
      objectId,
    }));
    expect(JSON.stringify(recorded)).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)|\*{4}/);
  });

  it('SMS: a wrong code is 422 sms_code_invalid at /smsCode; after 5 wrong answers the code is void', async () => {
    const c = await citizen();
    const phone = number(20);
    expect((await sendCode(c.accessToken, phone)).status).toBe(202);
    const right = smsCodeFor(phone);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const res = await bindSms(c.accessToken, phone, wrong);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'sms_code_invalid',
        errors: [{ pointer: '/smsCode', code: 'sms_code_invalid', message: '验证码不正确' }],
      });
    }
    const void_ = await bindSms(c.accessToken, phone, right);
    expect(void_.status).toBe(422);
    expect(void_.body).toMatchObject({
      code: 'sms_code_expired',
      errors: [{ pointer: '/smsCode', message: '验证码已失效，请重新获取' }],
    });
    expect((await me(c.accessToken)).body.phoneBound).toBe(false);
    const auditor = await t.staffLogin('st-admin-audit');
    const log = await call(`${t.url}/api/v1/admin/audit?action=citizen.phone.code_void`, { token: auditor });
    expect(log.body.items.some((r: { actorId: string }) => r.actorId === c.citizenId)).toBe(true);
  });

  it('SMS: the code is bound to its number, and expires after 5 minutes', async () => {
    const c = await citizen();
    const phone = number(30);
    expect((await sendCode(c.accessToken, phone)).status).toBe(202);
    const code = smsCodeFor(phone);
    // The right code for another number is a wrong answer (the stored hash covers the number).
    expect((await bindSms(c.accessToken, number(31), code)).body.code).toBe('sms_code_invalid');
    await sql`UPDATE citizen_phone_codes SET expires_at = ${Date.now() - 1} WHERE citizen_id = ${c.citizenId}`.execute(
      database.db,
    );
    expect((await bindSms(c.accessToken, phone, code)).body.code).toBe('sms_code_expired');
    // Only an HMAC of the code is stored.
    const rows = (
      await sql<
        Record<string, unknown>
      >`SELECT * FROM citizen_phone_codes WHERE citizen_id = ${c.citizenId}`.execute(database.db)
    ).rows;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('SMS: once a minute per citizen and per number → 429 sms_code_too_frequent with Retry-After', async () => {
    const a = await citizen();
    const b = await citizen();
    const phone = number(40);
    expect((await sendCode(a.accessToken, phone)).status).toBe(202);
    // The same citizen, another number.
    const again = await sendCode(a.accessToken, number(41));
    expect(again.status).toBe(429);
    const wait = Number(again.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(again.body).toMatchObject({
      code: 'sms_code_too_frequent',
      detail: `发送过于频繁，请 ${wait} 秒后再试`,
    });
    // Another citizen, the same number.
    const sameNumber = await sendCode(b.accessToken, phone);
    expect(sameNumber.status).toBe(429);
    expect(sameNumber.body.code).toBe('sms_code_too_frequent');
    // Neither refusal sent anything, nor disturbed the pending code.
    expect(t.gateway.smsSimulator!.messages(phone)).toHaveLength(1);
    expect(t.gateway.smsSimulator!.messages(number(41))).toHaveLength(0);
    expect((await bindSms(a.accessToken, phone, smsCodeFor(phone))).status).toBe(200);
  });

  it("another citizen's code and session are unaffected by one citizen's wrong answers and binding", async () => {
    const a = await citizen();
    const b = await citizen();
    const phoneA = number(50);
    const phoneB = number(51);
    expect((await sendCode(a.accessToken, phoneA)).status).toBe(202);
    expect((await sendCode(b.accessToken, phoneB)).status).toBe(202);
    const codeB = smsCodeFor(phoneB);
    // A tries B's code on B's number five times: A has no code for it, so they are wrong answers for A.
    for (let i = 0; i < 5; i++) expect((await bindSms(a.accessToken, phoneB, codeB)).status).toBe(422);
    expect((await bindSms(a.accessToken, phoneA, smsCodeFor(phoneA))).body.code).toBe('sms_code_expired');
    const bound = await bindSms(b.accessToken, phoneB, codeB);
    expect(bound.body).toEqual({ phoneMasked: masked(phoneB) });
    expect((await me(a.accessToken)).body.phoneBound).toBe(false);
    expect((await me(b.accessToken)).body).toMatchObject({ id: b.citizenId, phoneMasked: masked(phoneB) });
    const refreshed = await call(`${t.url}/api/v1/auth/refresh`, { body: { refreshToken: b.refreshToken } });
    expect(refreshed.status).toBe(200);
  });

  it('SMS: 422 phone_invalid at /phone for anything but an 11-digit mainland mobile', async () => {
    const c = await citizen();
    for (const phone of ['12000000000', '1390000001', '+8613900000001', '139 0000 0001', '']) {
      const res = await sendCode(c.accessToken, phone);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'phone_invalid',
        errors: [{ pointer: '/phone', code: 'phone_invalid', message: '请输入正确的手机号码' }],
      });
    }
    expect((await bindSms(c.accessToken, '1390000', '123456')).body.errors[0].pointer).toBe('/phone');
    expect((await bindSms(c.accessToken, number(60), '12ab')).body.code).toBe('sms_code_invalid');
    expect((await bindSms(c.accessToken, number(60), '123456')).body.code).toBe('sms_code_expired');
    expect((await call(`${t.url}/api/v1/me/phone/sms-code`, { token: c.accessToken, body: {} })).status).toBe(
      400,
    );
  });

  it('personal data: the export holds the number (their copy), deletion removes it, key rotation re-encrypts it', async () => {
    const c = await citizen();
    const phone = number(70);
    expect((await bindWechat(c.accessToken, wechat.mintPhoneCode(c.openid, phone))).status).toBe(200);

    const exported = await call(`${t.url}/api/v1/me/data-requests`, {
      token: c.accessToken,
      body: { kind: 'export' },
    });
    const download = await call(`${t.url}${exported.body.exportUrl}`, { token: c.accessToken });
    expect(download.body.sections.phone).toEqual({
      title: '绑定的手机号',
      data: { phone, method: 'wechat', verifiedAt: expect.any(String) },
    });

    const cipher = await openFieldCipher(database.db, t.env.config);
    const oldKid = (await stored(c.citizenId))!.phone_ct.split('.')[1];
    const newKid = await cipher.keys.rotate();
    let pages = 0;
    await rotatePhoneNumbers(database.db, cipher, { batch: 1, stop: () => pages++ >= 1 });
    const report = await rotatePhoneNumbers(database.db, cipher, { batch: 2 });
    expect(report.table).toBe('citizen_phones');
    expect((await stored(c.citizenId))!.phone_ct.split('.')[1]).toBe(newKid);
    expect(newKid).not.toBe(oldKid);
    expect((await rotatePhoneNumbers(database.db, cipher)).values).toBe(0);
    // The running gateway loads the new key on demand and still reads the number.
    await expect.poll(async () => (await me(c.accessToken)).body.phoneMasked).toBe(masked(phone));

    const deletion = await call(`${t.url}/api/v1/me/data-requests`, {
      token: c.accessToken,
      body: { kind: 'deletion', reason: '不再使用' },
    });
    expect(deletion.status).toBe(201);
    const deleted = Object.fromEntries(
      deletion.body.deleted.map((d: { name: string; count: number }) => [d.name, d.count]),
    );
    expect(deleted.phone).toBe(1);
    expect(await stored(c.citizenId)).toBeUndefined();
    expect((await me(c.accessToken)).body.phoneBound).toBe(false);
  });

  it('phoneOf / hasBoundPhone / assertPhoneBound: what other contexts (prefill, requiresPhone) use', async () => {
    const c = await citizen();
    const other = await citizen();
    const phone = number(90);
    expect((await bindWechat(c.accessToken, wechat.mintPhoneCode(c.openid, phone))).status).toBe(200);
    const crypto = await openPersonalDataCrypto(database.db, t.env.config);
    const binding = createPhoneBinding({
      db: database.db,
      ...crypto,
      rateLimiters: memoryRateLimiters(),
      wechat: { getPhoneNumber: () => Promise.reject(new Error('not used')) },
      openidOf: async () => undefined,
      audit: async () => undefined,
    });
    expect(await binding.phoneOf(c.citizenId)).toBe(phone);
    expect(await binding.hasBoundPhone(c.citizenId)).toBe(true);
    await expect(binding.assertPhoneBound(c.citizenId)).resolves.toBeUndefined();
    expect(await binding.phoneOf(other.citizenId)).toBeUndefined();
    expect(await binding.hasBoundPhone(other.citizenId)).toBe(false);
    await expect(binding.assertPhoneBound(other.citizenId)).rejects.toMatchObject({
      status: 422,
      code: 'phone_required',
    });
  });

  it('body validators (property): never a 500 or an echoed number, whatever the body', async () => {
    const c = await citizen();
    const mobile = fc.stringMatching(/^1[3-9]\d{9}$/);
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          code: fc.oneof(fc.string(), fc.jsonValue()),
          phone: fc.oneof(mobile, fc.string({ maxLength: 20 }), fc.jsonValue()),
          smsCode: fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string({ maxLength: 8 }), fc.jsonValue()),
          extra: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    );
    const paths = ['/me/phone/wechat', '/me/phone/sms-code', '/me/phone'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), body, async (path, value) => {
        const res = await call(`${t.url}/api/v1${path}`, {
          method: 'POST',
          token: c.accessToken,
          raw: JSON.stringify(value),
          headers: { 'content-type': 'application/json' },
        });
        expect([200, 202, 400, 422, 429]).toContain(res.status);
        if (res.status >= 400) expect(typeof res.body.code).toBe('string');
      }),
      { numRuns: 120 },
    );
  });
});

describe(`phone binding with a configured SMS provider (${dialect})`, () => {
  let sms: SmsSimulator;
  let t: TestGateway;
  beforeAll(async () => {
    // A provider the gateway is configured for (as in production), here a simulator outside it.
    sms = createSmsSimulator({ accessKeyId: 'LTAI-phone-test', accessKeySecret: 'phone-test-secret-0123' });
    t = await startTestGateway({
      SMS_ACCESS_KEY_ID: 'LTAI-phone-test',
      SMS_ACCESS_KEY_SECRET: 'phone-test-secret-0123',
      SMS_SIGN_NAME: '政务服务中心',
      SMS_API_BASE: await sms.listen(0),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await sms?.close();
  });

  it('never answers the code itself; the code arrives by SMS only', async () => {
    const c = await t.login(`o-phone-${randomUUID()}`);
    const phone = number(80);
    const sent = await call(`${t.url}/api/v1/me/phone/sms-code`, { token: c.accessToken, body: { phone } });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ expiresIn: 300, resendAfter: 60 });
    expect(t.gateway.smsSimulator).toBeUndefined();
    const code = String(sms.messages(phone).at(-1)?.params.code);
    const bound = await call(`${t.url}/api/v1/me/phone`, {
      token: c.accessToken,
      body: { phone, smsCode: code },
    });
    expect(bound.body).toEqual({ phoneMasked: masked(phone) });
  });

  it('the provider refusing the number for flow control is 429 sms_code_too_frequent; a provider outage 503', async () => {
    const c = await t.login(`o-phone-${randomUUID()}`);
    sms.setFault({ path: '/SendSms', code: 'isv.BUSINESS_LIMIT_CONTROL' });
    const limited = await call(`${t.url}/api/v1/me/phone/sms-code`, {
      token: c.accessToken,
      body: { phone: number(81) },
    });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('sms_code_too_frequent');
    expect(limited.headers.get('retry-after')).toBe('3600');
    const other = await t.login(`o-phone-${randomUUID()}`);
    sms.setFault({ path: '/SendSms', code: 'isp.SYSTEM_ERROR' });
    const down = await call(`${t.url}/api/v1/me/phone/sms-code`, {
      token: other.accessToken,
      body: { phone: number(82) },
    });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('sms_unavailable');
    // The failed send left no code behind.
    expect(
      (
        await call(`${t.url}/api/v1/me/phone`, {
          token: other.accessToken,
          body: { phone: number(82), smsCode: '123456' },
        })
      ).body.code,
    ).toBe('sms_code_expired');
  });
});
