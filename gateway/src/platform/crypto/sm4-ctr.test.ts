import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sm4Ctr } from './sm4-ctr';
import { vector } from './test-support';

const hex = (h: string) => Buffer.from(h, 'hex');
const opensslCtr = (key: Uint8Array, iv: Uint8Array, data: Uint8Array) =>
  Buffer.concat([createCipheriv('sm4-ctr', key, iv).update(data)]);

describe('Sm4Ctr', () => {
  it('matches draft-ribose-cfrg-sm4 A.2.5.1, both directions, in place', () => {
    const v = vector('sm4-ctr-ribose-A.2.5.1');
    const ctr = new Sm4Ctr(hex(v.key!));
    const out = Buffer.alloc(hex(v.plaintext!).length);
    ctr.xor(hex(v.iv!), hex(v.plaintext!), out);
    expect(out.toString('hex')).toBe(v.ciphertext);
    ctr.xor(hex(v.iv!), out, out);
    expect(out.toString('hex')).toBe(v.plaintext);
  });

  it("equals OpenSSL's sm4-ctr for any key, IV (including counter wrap-around) and length", () => {
    const iv = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.nat(255).map((low) => Buffer.concat([Buffer.alloc(15, 0xff), Buffer.from([low])])),
      fc
        .nat(255)
        .map((low) => Buffer.concat([Buffer.from([0x00]), Buffer.alloc(14, 0xff), Buffer.from([low])])),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        iv,
        fc.uint8Array({ maxLength: 3000 }),
        fc.nat(8),
        (key, ivBytes, data, outAt) => {
          const ctr = new Sm4Ctr(key);
          const out = Buffer.alloc(outAt + data.length);
          ctr.xor(ivBytes, data, out, outAt);
          expect(out.subarray(outAt)).toEqual(opensslCtr(key, ivBytes, data));
          // The same object again (its ECB context and scratch are reused).
          ctr.xor(ivBytes, data, out, outAt);
          expect(out.subarray(outAt)).toEqual(opensslCtr(key, ivBytes, data));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses wrong key and IV sizes', () => {
    expect(() => new Sm4Ctr(Buffer.alloc(32))).toThrow(RangeError);
    expect(() =>
      new Sm4Ctr(Buffer.alloc(16)).xor(Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(1)),
    ).toThrow(RangeError);
  });
});
