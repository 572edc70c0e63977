import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type Harness, newAesKey, newToken, rowsOf, startHarness } from './testing/harness';

const PATHS = [
  '/callbacks/wecom',
  '/callbacks/dingtalk',
  '/callbacks/wechat',
  '/callbacks/oa/generic:hr',
  '/callbacks/oa/%E0%A4',
  '/callbacks/oa/../../etc',
  '/callbacks/unknown',
  '/callbacks',
];
const PARAMS = [
  'msg_signature',
  'signature',
  'timestamp',
  'timeStamp',
  'nonce',
  'echostr',
  'encrypt_type',
  'openid',
];
const HEADERS = ['x-gcrm-timestamp', 'x-gcrm-nonce', 'x-gcrm-signature'];

const text = fc.string({ unit: 'binary', maxLength: 80 });
const base64ish = fc.uint8Array({ maxLength: 96 }).map((b) => Buffer.from(b).toString('base64'));
const body = fc.oneof(
  text,
  base64ish.map((e) => JSON.stringify({ encrypt: e })),
  base64ish.map((e) => `<xml><ToUserName>ww</ToUserName><Encrypt><![CDATA[${e}]]></Encrypt></xml>`),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  text.map((t) => `<xml><Encrypt>${t}</Encrypt></xml>`),
  fc.constant('<!DOCTYPE x [<!ENTITY a "b">]><xml/>'),
);
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  path: fc.constantFrom(...PATHS),
  query: fc.dictionary(
    fc.constantFrom(...PARAMS),
    fc.oneof(text, base64ish, fc.constant(String(Date.now()))),
  ),
  headers: fc.dictionary(fc.constantFrom(...HEADERS), fc.stringMatching(/^[A-Za-z0-9_-]{0,70}$/)),
  contentType: fc.constantFrom('application/json', 'text/xml', 'text/plain', ''),
  body,
});

describe(`callback routes fuzz (${dialect})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: {
        wecom: { token: newToken(), aesKey: newAesKey() },
        wechat: { token: newToken(), aesKey: newAesKey() },
        dingtalk: { mode: 'http', http: { token: newToken(), aesKey: newAesKey() } },
      },
      receiveIds: { wecom: 'wwfuzz', wechat: 'wxfuzz', dingtalk: 'dingfuzz' },
      oaSecret: (system) => (system === 'generic:hr' ? 'fuzz-secret-0123456789abcdef' : undefined),
    });
  });
  afterAll(() => h?.close());

  it('garbage is always refused with a plain 4xx, never a 5xx, and nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const url = new URL(r.path, h.url);
        url.search = new URLSearchParams(r.query).toString();
        const res = await fetch(url, {
          method: r.method,
          headers: { ...r.headers, ...(r.contentType ? { 'content-type': r.contentType } : {}) },
          ...(r.method === 'GET' ? {} : { body: r.body }),
          signal: AbortSignal.timeout(3000),
        });
        const answer = await res.text();
        expect([400, 401, 403, 404, 405, 413]).toContain(res.status);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(answer.length).toBeLessThan(40);
      }),
      { numRuns: 300 },
    );
    expect(await rowsOf(h)).toHaveLength(0);
  });
});
