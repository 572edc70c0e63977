import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GENERIC_OA_HEADERS,
  signGenericOaCallback,
  signGenericOaRequest,
  verifyGenericOaCallback,
  verifyGenericOaRequest,
} from './signature';

const SECRET = 'generic-oa-secret-0123456789';
const NOW = 1_717_000_000_000;

describe('generic OA signature', () => {
  it('matches an independently computed HMAC-SM3 over the documented canonical string', () => {
    const body = '{"caseId":"c1"}';
    const headers = signGenericOaRequest({
      method: 'post',
      path: '/api/gcrm/cases',
      body,
      secret: SECRET,
      nowMs: NOW,
      nonce: 'nonce-0123456789abc',
    });
    const digest = createHash('sm3').update(body).digest('hex');
    const canonical = `POST\n/api/gcrm/cases\n1717000000\nnonce-0123456789abc\n${digest}`;
    expect(headers[GENERIC_OA_HEADERS.signature]).toBe(
      createHmac('sm3', SECRET).update(canonical).digest('hex'),
    );
    expect(headers[GENERIC_OA_HEADERS.timestamp]).toBe('1717000000');
  });

  it('a signed callback verifies and returns its nonce', () => {
    const headers = signGenericOaCallback('{"a":1}', SECRET, NOW);
    expect(verifyGenericOaCallback(headers, '{"a":1}', SECRET, NOW, 300)).toEqual({
      valid: true,
      nonce: headers[GENERIC_OA_HEADERS.nonce],
      timestamp: NOW / 1000,
    });
  });

  it('any tampered body byte → invalid (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, flip) => {
          const body = Buffer.from(bytes);
          const headers = signGenericOaCallback(body, SECRET, NOW);
          const signed = body;
          const tampered = Buffer.from(signed);
          const index = at % tampered.length;
          tampered[index] = (tampered[index] as number) ^ flip;
          expect(verifyGenericOaCallback(headers, signed, SECRET, NOW, 300).valid).toBe(true);
          expect(verifyGenericOaCallback(headers, tampered, SECRET, NOW, 300).valid).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any changed header character, method, path or secret → invalid (property)', () => {
    const body = '{"state":"approved"}';
    const headers = signGenericOaRequest({
      method: 'GET',
      path: '/cases/x?cursor=1',
      body,
      secret: SECRET,
      nowMs: NOW,
    });
    const names = Object.values(GENERIC_OA_HEADERS);
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (name, at, char) => {
          const value = headers[name] as string;
          const index = at % value.length;
          if (value[index] === char) return;
          const changed = { ...headers, [name]: value.slice(0, index) + char + value.slice(index + 1) };
          // A changed timestamp digit can stay inside the window: the signature still covers it.
          expect(
            verifyGenericOaRequest(changed, 'GET', '/cases/x?cursor=1', body, SECRET, NOW, 10 ** 12).valid,
          ).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
    expect(verifyGenericOaRequest(headers, 'GET', '/cases/x?cursor=1', body, SECRET, NOW).valid).toBe(true);
    expect(verifyGenericOaRequest(headers, 'POST', '/cases/x?cursor=1', body, SECRET, NOW).valid).toBe(false);
    expect(verifyGenericOaRequest(headers, 'GET', '/cases/x?cursor=2', body, SECRET, NOW).valid).toBe(false);
    expect(verifyGenericOaRequest(headers, 'GET', '/cases/x?cursor=1', body, `${SECRET}x`, NOW).valid).toBe(
      false,
    );
  });

  it('enforces the skew window on both sides, inclusive', () => {
    const headers = signGenericOaCallback('', SECRET, NOW);
    expect(verifyGenericOaCallback(headers, '', SECRET, NOW + 300_000, 300).valid).toBe(true);
    expect(verifyGenericOaCallback(headers, '', SECRET, NOW + 301_000, 300)).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
    expect(verifyGenericOaCallback(headers, '', SECRET, NOW - 301_000, 300)).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
  });

  it('missing, repeated or malformed headers → invalid, never a throw (property)', () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.constant(undefined));
    fc.assert(
      fc.property(value, value, value, fc.string(), (timestamp, nonce, signature, body) => {
        const headers = {
          [GENERIC_OA_HEADERS.timestamp]: timestamp,
          [GENERIC_OA_HEADERS.nonce]: nonce,
          [GENERIC_OA_HEADERS.signature]: signature,
        };
        expect(verifyGenericOaCallback(headers, body, SECRET, NOW, 300).valid).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(verifyGenericOaCallback({}, '', SECRET, NOW, 300)).toEqual({
      valid: false,
      reason: 'missing-header',
    });
  });
});
