import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP, fetchToken } from './testing';

let sim: WecomSimulator;
let base: string;
let token: string;

beforeAll(async () => {
  sim = createWecomSimulator({ ...CORP, rateLimits: { callsPerMinute: 1e9 } });
  base = await sim.listen(0);
  token = await fetchToken(base);
});
afterAll(() => sim.close());

const WIRE = [
  '/cgi-bin/gettoken',
  '/cgi-bin/auth/getuserinfo',
  '/cgi-bin/department/list',
  '/cgi-bin/user/list',
  '/cgi-bin/user/simplelist',
  '/cgi-bin/user/get',
  '/cgi-bin/user/list_id',
];
const SANDBOX = ['/__sandbox/auth-code', '/__sandbox/clock', '/__sandbox/faults', '/__sandbox/org'];
const NAMES = [
  'corpid',
  'corpsecret',
  'access_token',
  'code',
  'userid',
  'id',
  'department_id',
  'cursor',
  'limit',
  'openid',
  '__proto__',
];

const value = fc.oneof(
  fc.anything(),
  fc.integer(),
  fc.constantFrom(1, 2, 3, 0, -1, 10_001, 'LiNa', 'b0', 'snsapi_privateinfo'),
);
const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .dictionary(
      fc.oneof(
        fc.constantFrom(...NAMES, 'departments', 'users', 'advanceSeconds', 'scope', 'external_userid'),
        fc.string(),
      ),
      value,
    )
    .map((record) => {
      try {
        return JSON.stringify(record) ?? 'null';
      } catch {
        return '{}';
      }
    }),
);

/** Wire paths answer the platform's shape (JSON with a numeric errcode); sandbox paths 200/400/404 JSON. */
async function expectWellFormed(path: string, response: Response) {
  const text = await response.text();
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (path.startsWith('/__sandbox/')) {
    expect([200, 400, 404]).toContain(response.status);
  } else if (WIRE.includes(path)) {
    // 404 only for a wrong method; it carries an errcode too.
    expect([200, 404]).toContain(response.status);
    expect(typeof parsed.errcode).toBe('number');
  } else {
    expect([200, 404]).toContain(response.status);
  }
}

describe('simulator robustness (property)', () => {
  it('random bodies and queries on wire and sandbox paths never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...WIRE, ...SANDBOX),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), fc.string()), {
          maxLength: 5,
        }),
        fc.boolean(),
        body,
        async (path, method, params, withToken, payload) => {
          const url = new URL(path, base);
          for (const [key, v] of params) url.searchParams.append(key, v);
          if (withToken) url.searchParams.set('access_token', token);
          const init: RequestInit = { method };
          if (method !== 'GET') init.body = payload;
          await expectWellFormed(path, await fetch(url, init));
          // An accepted fuzzed fault (up to 60 s of latency) must not stall the next runs.
          sim.clearFaults();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random raw paths never crash it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webPath(), fc.constantFrom('GET', 'POST'), async (path, method) => {
        const response = await fetch(`${base}${path.startsWith('/') ? '' : '/'}${path}`, { method });
        const text = await response.text();
        expect([200, 400, 404]).toContain(response.status);
        expect(() => JSON.parse(text)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
