import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';

/** Sends raw bytes with chosen headers; returns status and content type. */
async function send(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=gbk',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  '',
);

describe(`garbage never yields a 500 (${dialect})`, () => {
  let t: TestGateway;
  let token: string;
  beforeAll(async () => {
    t = await startTestGateway();
    token = (await t.login()).accessToken;
  });
  afterAll(async () => t?.stop());

  const check = (r: { status: number; type: string; text: string }) => {
    expect(r.status, r.text).toBeLessThan(500);
    if (r.status >= 400) expect(r.type).toMatch(/^application\/problem\+json/);
  };

  it('random JSON documents on every body route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/cases',
          '/api/v1/auth/wechat',
          '/api/v1/auth/refresh',
          '/api/v1/auth/logout',
        ),
        fc.jsonValue(),
        async (path, value) => {
          check(
            await send(`${t.url}${path}`, JSON.stringify(value), {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              'idempotency-key': randomUUID(),
            }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes and content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), contentTypes, async (raw, type) => {
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          'idempotency-key': randomUUID(),
        };
        if (type) headers['content-type'] = type;
        check(await send(`${t.url}/api/v1/cases`, raw, headers));
      }),
      { numRuns: 300 },
    );
  });

  it('applications with mutated form data: 201 or a 400 with pointers, nothing else', async () => {
    const field = fc.constantFrom(
      'applicantName',
      'idNumber',
      'phone',
      'deliveryDate',
      'deliveryType',
      'employer',
      'remark',
      '__proto__',
      'constructor',
    );
    await fc.assert(
      fc.asyncProperty(field, fc.jsonValue(), async (name, value) => {
        const app = validApplication();
        const formData = JSON.parse(JSON.stringify(app.formData));
        formData[name] = value;
        const raw = JSON.stringify({ ...app, formData }).replace('"constructor"', '"__proto__"');
        const r = await send(`${t.url}/api/v1/cases`, raw, {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': randomUUID(),
        });
        check(r);
        expect([201, 400]).toContain(r.status);
        if (r.status === 400) {
          const problem = JSON.parse(r.text);
          expect(problem.errors.length).toBeGreaterThan(0);
          for (const e of problem.errors) expect(e.pointer ?? e.parameter ?? e.header).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('random headers on authenticated reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), fc.string({ maxLength: 60 }), async (auth, path) => {
        const safe = auth.replace(/[^\x20-\x7e]/g, '');
        const res = await fetch(
          `${t.url}/api/v1/cases/${encodeURIComponent(path)}?cursor=${encodeURIComponent(path)}`,
          { headers: { authorization: safe } },
        );
        const type = res.headers.get('content-type') ?? '';
        const text = await res.text();
        check({ status: res.status, type, text });
      }),
      { numRuns: 300 },
    );
  });
});
