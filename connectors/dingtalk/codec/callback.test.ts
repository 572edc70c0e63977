import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbackCipher } from '../../core/callback-cipher/index';
import {
  callbackDedupeKey,
  DingtalkCallbackError,
  isSuccessReply,
  openDingtalkCallback,
  successReply,
} from './callback';

const aesKey = () => randomBytes(32).toString('base64').slice(0, 43);
const cipher = new CallbackCipher({
  token: 'gcrm-token',
  encodingAesKey: aesKey(),
  receiveId: 'dingsimappkey0001',
});

/** A push as DingTalk sends it: query + `{encrypt}` body. */
function push(event: unknown, names: { sig?: string; ts?: string } = {}) {
  const timestamp = '1700000000123';
  const nonce = 'abcdefgh12345678';
  const { encrypted, signature } = cipher.seal(JSON.stringify(event), timestamp, nonce);
  return {
    query: { [names.sig ?? 'msg_signature']: signature, [names.ts ?? 'timestamp']: timestamp, nonce },
    body: { encrypt: encrypted },
  };
}

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('openDingtalkCallback', () => {
  it('opens a bpms push with msg_signature/timestamp or signature/timeStamp, any query shape', () => {
    const event = {
      EventType: 'bpms_task_change',
      processInstanceId: 'p1',
      taskId: 7,
      type: 'finish',
      result: 'agree',
    };
    const a = push(event);
    expect(openDingtalkCallback(a.query, a.body, cipher)).toEqual({
      eventType: 'bpms_task_change',
      event,
      dedupeKey: 'bpms_task_change:p1:7:finish',
    });
    const b = push(event, { sig: 'signature', ts: 'timeStamp' });
    expect(openDingtalkCallback(new URLSearchParams(b.query), b.body, cipher).eventType).toBe(
      'bpms_task_change',
    );
    const koa = Object.fromEntries(Object.entries(b.query).map(([k, v]) => [k, [v, 'ignored']]));
    expect(openDingtalkCallback(koa, b.body, cipher).dedupeKey).toBe('bpms_task_change:p1:7:finish');
  });

  it('dedupe keys: instance id + type; EventType + body TimeStamp; else a hash of the plaintext', () => {
    expect(callbackDedupeKey('bpms_instance_change', { processInstanceId: 'p', type: 'start' }, '')).toBe(
      'bpms_instance_change:p:start',
    );
    expect(
      callbackDedupeKey('bpms_task_change', { processInstanceId: 'p', staffId: 'lina', type: 'start' }, ''),
    ).toBe('bpms_task_change:p:lina:start');
    expect(callbackDedupeKey('user_add_org', { TimeStamp: '1700000000000', UserId: ['a'] }, '')).toBe(
      'user_add_org:1700000000000',
    );
    const a = callbackDedupeKey('check_url', {}, '{"EventType":"check_url"}');
    expect(a).toMatch(/^check_url:#[0-9a-f]{40}$/);
    expect(callbackDedupeKey('check_url', {}, '{"EventType":"check_url"}')).toBe(a);
  });

  it('refuses missing parameters, bad envelopes, bad signatures, foreign keys and non-events', () => {
    const good = push({ EventType: 'check_url' });
    const { nonce: _n, ...noNonce } = good.query;
    expect(refusal(() => openDingtalkCallback(noNonce, good.body, cipher))).toMatchObject({
      code: 'MissingParameter',
    });
    expect(refusal(() => openDingtalkCallback(good.query, '[]', cipher))).toMatchObject({
      code: 'BadEnvelope',
    });
    expect(refusal(() => openDingtalkCallback(good.query, { encrypt: 1 }, cipher))).toMatchObject({
      code: 'BadEnvelope',
    });
    const tampered = { ...good.query, msg_signature: '0'.repeat(40) };
    const bad = refusal(() => openDingtalkCallback(tampered, good.body, cipher));
    expect(bad).toBeInstanceOf(DingtalkCallbackError);
    expect(bad).toMatchObject({ code: 'ValidateSignature' });
    const other = new CallbackCipher({
      token: 'gcrm-token',
      encodingAesKey: aesKey(),
      receiveId: 'dingsimappkey0001',
    });
    expect(refusal(() => openDingtalkCallback(good.query, good.body, other))).toBeInstanceOf(
      DingtalkCallbackError,
    );
    for (const plaintext of [[1], 'text', { type: 'x' }, { EventType: '' }]) {
      const p = push(plaintext);
      expect(refusal(() => openDingtalkCallback(p.query, p.body, cipher))).toMatchObject({
        code: 'BadEvent',
      });
    }
  });
});

describe('successReply', () => {
  it('is encrypted "success" with a 13-digit ms timeStamp and a 16-character nonce', () => {
    const reply = successReply(cipher, 1_700_000_000_123);
    expect(reply.timeStamp).toBe('1700000000123');
    expect(reply.nonce).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(
      cipher.open({
        signature: reply.msg_signature,
        timestamp: reply.timeStamp,
        nonce: reply.nonce,
        encrypted: reply.encrypt,
      }),
    ).toBe('success');
    expect(isSuccessReply(cipher, reply)).toBe(true);
    expect(isSuccessReply(cipher, { ...reply, nonce: 'x' })).toBe(false);
    expect(isSuccessReply(cipher, 'success')).toBe(false);
  });
});

describe('codec robustness (property)', () => {
  const params = fc.dictionary(
    fc.constantFrom('msg_signature', 'signature', 'timestamp', 'timeStamp', 'nonce', 'x'),
    fc.oneof(fc.string(), fc.array(fc.string()), fc.anything()),
  );

  it('garbage query and body → DingtalkCallbackError only', () => {
    fc.assert(
      fc.property(
        params,
        fc.oneof(fc.anything(), fc.record({ encrypt: fc.oneof(fc.string(), fc.base64String()) })),
        (query, body) => {
          try {
            openDingtalkCallback(query, body, cipher);
          } catch (error) {
            expect(error).toBeInstanceOf(DingtalkCallbackError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('validly sealed arbitrary plaintext → an event or BadEvent, never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ EventType: 'x', v })),
        ),
        (plain) => {
          const { encrypted, signature } = cipher.seal(plain, '1', 'n');
          try {
            const opened = openDingtalkCallback(
              { msg_signature: signature, timestamp: '1', nonce: 'n' },
              { encrypt: encrypted },
              cipher,
            );
            expect(typeof opened.dedupeKey).toBe('string');
          } catch (error) {
            expect(error).toMatchObject({ code: 'BadEvent' });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
