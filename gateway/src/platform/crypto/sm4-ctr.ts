import { type Cipher, createCipheriv } from 'node:crypto';

const CHUNK_BLOCKS = 64;

/**
 * SM4 in CTR mode (GB/T 17964-2021 §7 / NIST SP 800-38A §6.5) with a 128-bit big-endian counter, equal
 * to OpenSSL's `sm4-ctr` (tested against it and the draft-ribose-cfrg-sm4 A.2.5.1 vector). The keystream
 * comes from one long-lived SM4-ECB context per key: `createCipheriv` per value costs more than the
 * encryption of a short field, and OpenSSL offers no way to re-IV a context from Node.
 *
 * Not re-entrant by design: one counter scratch buffer per key, used synchronously.
 */
export class Sm4Ctr {
  readonly #ecb: Cipher;
  readonly #counters = Buffer.alloc(16 * CHUNK_BLOCKS);

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new RangeError('SM4 key must be 16 bytes');
    this.#ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
  }

  /**
   * Writes `data ⊕ keystream(iv)` to `out` from `outAt` (encryption and decryption are the same);
   * `out` may be `data` itself.
   */
  xor(iv: Uint8Array, data: Uint8Array, out: Uint8Array, outAt = 0): void {
    if (iv.length !== 16) throw new RangeError('SM4-CTR IV must be 16 bytes');
    const counters = this.#counters;
    for (let done = 0, block = 0; done < data.length; ) {
      const blocks = Math.min(CHUNK_BLOCKS, (data.length - done + 15) >> 4);
      for (let b = 0; b < blocks; b++, block++) {
        const at = b << 4;
        counters.set(iv, at);
        // counter = iv + block (mod 2^128), big-endian
        for (let j = 15, carry = block; j >= 0 && carry > 0; j--) {
          const sum = counters[at + j]! + (carry & 0xff);
          counters[at + j] = sum & 0xff;
          carry = Math.floor(carry / 256) + (sum >> 8);
        }
      }
      const keystream = this.#ecb.update(counters.subarray(0, blocks << 4));
      const end = Math.min(data.length, done + (blocks << 4));
      for (let i = done, k = 0; i < end; i++, k++) out[outAt + i] = data[i]! ^ keystream[k]!;
      keystream.fill(0);
      done = end;
    }
  }
}
