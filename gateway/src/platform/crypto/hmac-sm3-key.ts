import * as nodeCrypto from 'node:crypto';

// `crypto.hash` (one-shot digest) exists from Node 20.12 / 21.7; older 20.x falls back to createHash.
const oneShot = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;
const sm3Of: (data: Buffer) => Buffer = oneShot
  ? (data) => oneShot('sm3', data, 'buffer')
  : (data) => nodeCrypto.createHash('sm3').update(data).digest();

const BLOCK = 64;

/**
 * HMAC-SM3 with the key prepared once: the RFC 2104 construction
 * `SM3((K ⊕ opad) ‖ SM3((K ⊕ ipad) ‖ m))` over node:crypto's SM3, equal to `createHmac('sm3', key)`
 * (tested against it and against sm-crypto-v2). `createHmac` re-derives the padded keys and fetches the
 * digest on every call; for short field values that setup costs more than the hashing, and this class
 * is what makes per-field MACs and blind indexes cheap.
 *
 * Not re-entrant by design: one scratch buffer per key, used synchronously; the message bytes are
 * zeroed after each digest.
 */
export class HmacSm3Key {
  #inner: Buffer;
  readonly #outer = Buffer.alloc(BLOCK + 32);

  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? sm3Of(Buffer.from(key)) : Buffer.from(key);
    this.#inner = Buffer.alloc(BLOCK + 256);
    for (let i = 0; i < BLOCK; i++) {
      this.#inner[i] = (k[i] ?? 0) ^ 0x36;
      this.#outer[i] = (k[i] ?? 0) ^ 0x5c;
    }
    k.fill(0);
  }

  /** HMAC-SM3 of `UTF-8(text) ‖ bytes`, 32 bytes. */
  digest(text: string, bytes?: Uint8Array): Buffer {
    const need = BLOCK + text.length * 3 + (bytes?.length ?? 0);
    if (need > this.#inner.length) {
      const grown = Buffer.alloc(Math.max(need, this.#inner.length * 2));
      this.#inner.copy(grown, 0, 0, BLOCK);
      this.#inner = grown;
    }
    const inner = this.#inner;
    let n = BLOCK + inner.write(text, BLOCK, 'utf8');
    if (bytes) {
      inner.set(bytes, n);
      n += bytes.length;
    }
    const innerHash = sm3Of(inner.subarray(0, n));
    inner.fill(0, BLOCK, n);
    innerHash.copy(this.#outer, BLOCK);
    return sm3Of(this.#outer);
  }
}
