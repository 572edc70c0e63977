import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { sm3 as libSm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { HmacSm3Key } from './hmac-sm3-key';
import { vector } from './test-support';

describe('HmacSm3Key', () => {
  it('matches the HMAC-SM3 cross-implementation vector', () => {
    const v = vector('hmac-sm3-crosscheck-1');
    expect(new HmacSm3Key(Buffer.from(v.key!, 'hex')).digest(v.message_ascii!).toString('hex')).toBe(v.mac);
  });

  it("equals createHmac('sm3') for any key length, text and bytes, over repeated use of one key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.array(
          fc.tuple(
            fc.string({ unit: 'binary', maxLength: 200 }),
            fc.option(fc.uint8Array({ maxLength: 700 })),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (key, messages) => {
          const mac = new HmacSm3Key(key);
          for (const [text, bytes] of messages) {
            const expected = createHmac('sm3', key).update(text, 'utf8');
            if (bytes) expected.update(bytes);
            expect(mac.digest(text, bytes ?? undefined)).toEqual(expected.digest());
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with sm-crypto-v2 (an independent SM3 and HMAC)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 200 }),
        (key, data) => {
          expect(new HmacSm3Key(key).digest('', data).toString('hex')).toBe(
            libSm3(data, { key, mode: 'hmac' }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not keep a reference to the caller key', () => {
    const key = Buffer.alloc(32, 7);
    const mac = new HmacSm3Key(key);
    key.fill(0);
    expect(mac.digest('abc')).toEqual(createHmac('sm3', Buffer.alloc(32, 7)).update('abc').digest());
  });
});
