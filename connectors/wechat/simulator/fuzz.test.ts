import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP } from './testing';

let sim: WechatSimulator;
let base: string;

beforeAll(async () => {
  sim = createWechatSimulator(APP);
  base = await sim.listen(0);
});
afterAll(() => sim.close());

const PATHS = [
  '/sns/jscode2session',
  '/cgi-bin/token',
  '/cgi-bin/stable_token',
  '/cgi-bin/getcallbackip',
  '/cgi-bin/message/subscribe/send',
  '/wxa/business/getuserphonenumber',
  '/__sandbox/login-code',
  '/__sandbox/phone-codes',
  '/__sandbox/phone-exchanges',
  '/__sandbox/templates',
  '/__sandbox/subscriptions',
  '/__sandbox/pages',
  '/__sandbox/subscribe-messages',
  '/__sandbox/clock',
  '/__sandbox/faults',
  '/cgi-bin/unknown',
];
const PARAM_NAMES = ['appid', 'secret', 'js_code', 'grant_type', 'access_token', '__proto__', 'constructor'];

const paramName = fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.string({ maxLength: 12 }));
const paramValue = fc.oneof(
  fc.constantFrom(APP.appId, APP.appSecret, 'authorization_code', 'client_credential'),
  fc.string(),
);
const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .record(
      {
        appid: fc.oneof(fc.constant(APP.appId), fc.anything()),
        secret: fc.oneof(fc.constant(APP.appSecret), fc.anything()),
        grant_type: fc.oneof(fc.constant('client_credential'), fc.anything()),
        force_refresh: fc.anything(),
        openid: fc.anything(),
        phone: fc.oneof(fc.constant('13900000009'), fc.anything()),
        countryCode: fc.anything(),
        code: fc.anything(),
        touser: fc.oneof(fc.constant('o-fuzz'), fc.anything()),
        template_id: fc.oneof(fc.constant('sim-tpl-case-accepted'), fc.anything()),
        templateId: fc.oneof(fc.constant('sim-tpl-case-accepted'), fc.anything()),
        data: fc.oneof(
          fc.dictionary(fc.constantFrom('thing1', 'time3', '__proto__'), fc.record({ value: fc.string() })),
          fc.anything(),
        ),
        keys: fc.oneof(fc.constant(['thing1']), fc.anything()),
        pages: fc.anything(),
        count: fc.anything(),
        page: fc.anything(),
        advanceSeconds: fc.anything(),
        // Faults never fire on sandbox paths, so accepted fault bodies cannot stall later runs.
        path: fc.oneof(fc.constant('/__sandbox/never-called'), fc.anything()),
        latencyMs: fc.oneof(fc.constant(0), fc.anything()),
        errcode: fc.anything(),
      },
      { requiredKeys: [] },
    )
    .map((value) => {
      try {
        return JSON.stringify(value) ?? 'null';
      } catch {
        return '{}';
      }
    }),
);

/** Every answer is JSON; status is 200 (wire + sandbox), 400 (bad input) or 404 (unknown route). */
async function expectWellFormed(response: Response) {
  expect([200, 400, 404]).toContain(response.status);
  const text = await response.text();
  expect(() => JSON.parse(text)).not.toThrow();
}

describe('simulator robustness (property)', () => {
  it('random query strings on GET never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS),
        fc.array(fc.tuple(paramName, paramValue), { maxLength: 6 }),
        async (path, params) => {
          const url = new URL(path, base);
          for (const [key, value] of params) url.searchParams.append(key, value);
          await expectWellFormed(await fetch(url));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random bodies on POST never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), jsonish, async (path, body) => {
        const response = await fetch(new URL(path, base), { method: 'POST', body });
        await expectWellFormed(response);
      }),
      { numRuns: 200 },
    );
    sim.clearFaults();
  });

  it('random raw paths never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.webPath(),
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
        async (path, method) => {
          await expectWellFormed(await fetch(`${base}${path.startsWith('/') ? '' : '/'}${path}`, { method }));
        },
      ),
      { numRuns: 100 },
    );
    sim.clearFaults();
  });
});
