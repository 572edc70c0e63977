import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { percentEncode, rpcSignature } from '../aliyun/signature';
import { createSmsSimulator, type SmsSimulator } from './simulator';

const KEYS = { accessKeyId: 'LTAI-sim-id', accessKeySecret: 'sim-secret-0123456789' };

function signedQuery(sim: SmsSimulator, params: Record<string, string>, nonce = `n-${Math.random()}`) {
  const all: Record<string, string> = {
    Action: 'SendSms',
    Version: '2017-05-25',
    AccessKeyId: KEYS.accessKeyId,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nonce,
    Timestamp: new Date(sim.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...params,
  };
  all.Signature = rpcSignature('GET', all, KEYS.accessKeySecret);
  return Object.entries(all)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}

describe('SMS simulator wire details', () => {
  let sim: SmsSimulator;
  beforeEach(async () => {
    sim = createSmsSimulator(KEYS);
    await sim.listen(0);
  });
  afterEach(() => sim.close());

  const send = {
    PhoneNumbers: '13800138000',
    SignName: '政务服务中心',
    TemplateCode: 'SMS_CASE_CLOSED',
    TemplateParam: '{"item":"x","result":"通过"}',
  };

  it('accepts signed GET requests and refuses a replayed nonce (SignatureNonceUsed)', async () => {
    const query = signedQuery(sim, send, 'nonce-1');
    const first = await fetch(`${sim.url}/?${query}`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      Code: 'OK',
      BizId: expect.any(String),
      RequestId: expect.any(String),
    });
    const replay = await fetch(`${sim.url}/?${query}`);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ Code: 'SignatureNonceUsed' });
  });

  it('refuses a tampered parameter and never echoes values in Message', async () => {
    const query = signedQuery(sim, send).replace('13800138000', '13800138001');
    const answer = await fetch(`${sim.url}/?${query}`);
    const body = await answer.json();
    expect(body).toMatchObject({ Code: 'SignatureDoesNotMatch' });
    expect(JSON.stringify(body)).not.toContain('1380013800');
  });

  it('registers templates and sign names through the sandbox; invalid JSON params are isv.INVALID_JSON_PARAM', async () => {
    await fetch(`${sim.url}/__sandbox/templates`, {
      method: 'POST',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an Aliyun template variable.
      body: JSON.stringify({ templateCode: 'SMS_X', content: '验证码${code}' }),
    });
    await fetch(`${sim.url}/__sandbox/sign-names`, {
      method: 'POST',
      body: JSON.stringify({ signName: '测试签名' }),
    });
    const ok = await fetch(
      `${sim.url}/?${signedQuery(sim, { ...send, TemplateCode: 'SMS_X', SignName: '测试签名', TemplateParam: '{"code":"1234"}' })}`,
    );
    expect(await ok.json()).toMatchObject({ Code: 'OK' });
    const bad = await fetch(
      `${sim.url}/?${signedQuery(sim, { ...send, PhoneNumbers: '13700000000', TemplateParam: '{oops' })}`,
    );
    expect(await bad.json()).toMatchObject({ Code: 'isv.INVALID_JSON_PARAM' });
    const list = (await (await fetch(`${sim.url}/__sandbox/sms?phone=13800138000`)).json()) as {
      messages: unknown[];
    };
    expect(list.messages[0]).toMatchObject({ content: '【测试签名】验证码1234', sendStatus: 1 });
  });
});

describe('SMS simulator robustness (property)', () => {
  let sim: SmsSimulator;
  beforeAll(async () => {
    sim = createSmsSimulator(KEYS);
    await sim.listen(0);
  });
  afterAll(() => sim.close());

  it('random parameters, bodies and paths never crash it; answers are JSON with a Code or error', async () => {
    const names = [
      'Action',
      'PhoneNumbers',
      'SignName',
      'TemplateCode',
      'TemplateParam',
      'AccessKeyId',
      'Signature',
      'Timestamp',
      'SignatureNonce',
      'PhoneNumber',
      'SendDate',
      'PageSize',
      '__proto__',
      'constructor',
    ];
    const values = fc.oneof(
      fc.string(),
      fc.constantFrom('SendSms', 'QuerySendDetails', '13800138000', '{"item":1}', KEYS.accessKeyId),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/',
          '/',
          '/__sandbox/templates',
          '/__sandbox/faults',
          '/__sandbox/sms',
          '/__sandbox/balance',
          '/x',
        ),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })), values), {
          maxLength: 8,
        }),
        fc.oneof(fc.string(), fc.json()),
        fc.boolean(),
        async (path, method, params, body, signed) => {
          const record = Object.fromEntries(params);
          const query = signed ? signedQuery(sim, record) : new URLSearchParams(params).toString();
          const init: RequestInit = { method };
          if (method !== 'GET') init.body = body;
          const response = await fetch(`${sim.url}${path}?${query}`, init);
          expect([200, 400, 404, 500, 503]).toContain(response.status);
          const parsed = JSON.parse(await response.text());
          expect(typeof parsed).toBe('object');
          sim.clearFaults();
        },
      ),
      { numRuns: 300 },
    );
  });
});
