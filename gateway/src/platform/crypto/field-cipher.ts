import { randomFillSync, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './errors';
import { HmacSm3Key } from './hmac-sm3-key';
import { KeyRing, type KeyRingOptions } from './key-ring';
import { Sm4Ctr } from './sm4-ctr';

/**
 * Where a value lives. It is bound into the MAC, so a ciphertext copied to another table, column or
 * row fails to decrypt. `rowId` must be known when encrypting: use the primary key if the application
 * assigns it (UUID/ULID/snowflake), or a stable natural key; `1`, `1n` and `'1'` are the same row.
 */
export interface FieldContext {
  table: string;
  column: string;
  rowId: string | number | bigint;
}

const PREFIX = 'v1.';
const IV_BYTES = 16;
const TAG_BYTES = 16;
const MAC_DOMAIN = 'gcrm.field.v1';
/** In a `u` regex a surrogate range matches only unpaired halves (String#isWellFormed is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Encryption of single field values (ID numbers, phone numbers, addresses) for storage: SM4-CTR with
 * HMAC-SM3 encrypt-then-MAC, keys from a {@link KeyRing}. Every call is synchronous; SM4 and SM3 run in
 * OpenSSL through `node:crypto` (the CTR counter and the HMAC padding are done by {@link Sm4Ctr} and
 * {@link HmacSm3Key}, so each key's state is prepared once instead of per value).
 *
 * Ciphertext format, ASCII, fits a `VARCHAR`: `v1.<kid>.<base64url(iv ‖ ct ‖ tag)>`
 * - `v1`: format version; `kid`: data key id, 8 lower-case hex digits;
 * - `iv`: 16 random bytes, the initial SM4-CTR counter block (128-bit big-endian counter);
 * - `ct`: SM4-CTR of the UTF-8 plaintext, same length (no padding);
 * - `tag`: first 16 bytes of HMAC-SM3(macKey, UTF-8(JSON(["gcrm.field.v1", kid, table, column,
 *   String(rowId)])) ‖ iv ‖ ct). The JSON array is an unambiguous encoding of the context.
 * - base64url without padding, canonical: a string that does not re-encode to itself is refused.
 *
 * Length: `12 + ⌈(32 + n) · 4/3⌉` characters for n plaintext bytes: 79 for an 18-character ID number,
 * 70 for an 11-digit mobile number, so `VARCHAR(96)` holds both; a 60-character Chinese address
 * (180 bytes) takes 295.
 *
 * The ciphertext reveals the plaintext's UTF-8 length. Equality search goes through
 * {@link BlindIndex}, never through this ciphertext (it is randomised).
 *
 * @example
 * const fields = await FieldCipher.open({ provider, store });
 * const ctx = { table: 'citizen', column: 'id_no', rowId: citizen.id };
 * row.id_no_ct = fields.encrypt(idNumber, ctx);
 * const idNumber = fields.decrypt(row.id_no_ct, ctx);
 */
export class FieldCipher {
  readonly keys: KeyRing;
  readonly #engines = new Map<string, Engine>();
  #scratch = Buffer.alloc(256);

  constructor(keys: KeyRing) {
    this.keys = keys;
  }

  /** Opens the key ring (creating its first key if the store is empty) and a cipher on it. */
  static async open(options: KeyRingOptions): Promise<FieldCipher> {
    return new FieldCipher(await KeyRing.open(options));
  }

  /**
   * Encrypts `plain` under the active key for the place `ctx`. Randomised: equal inputs give different
   * ciphertexts. @throws RangeError if `plain` holds a lone surrogate (it has no UTF-8 encoding).
   */
  encrypt(plain: string, ctx: FieldContext): string {
    if (LONE_SURROGATE.test(plain)) throw new RangeError('plaintext is not well-formed Unicode');
    const engine = this.#engine(this.keys.activeKeyId);
    const context = macContext(engine.kid, ctx);
    if (plain.length * 3 > this.#scratch.length) this.#scratch = Buffer.alloc(plain.length * 3);
    const utf8 = this.#scratch;
    const n = utf8.write(plain, 'utf8');
    const out = Buffer.allocUnsafe(IV_BYTES + n + TAG_BYTES);
    const iv = takeIv();
    out.set(iv);
    engine.ctr.xor(iv, utf8.subarray(0, n), out, IV_BYTES);
    utf8.fill(0, 0, n);
    engine.mac.digest(context, out.subarray(0, IV_BYTES + n)).copy(out, IV_BYTES + n, 0, TAG_BYTES);
    return `${PREFIX}${engine.kid}.${out.toString('base64url')}`;
  }

  /**
   * Decrypts a value from {@link encrypt} with the same `ctx`.
   * @throws CryptoError `malformed`, `unsupported_version`, `unknown_key` or `auth_failed`.
   */
  decrypt(ciphertext: string, ctx: FieldContext): string {
    const dot = parse(ciphertext);
    const engine = this.#engine(ciphertext.slice(PREFIX.length, dot));
    const body = ciphertext.slice(dot + 1);
    const raw = Buffer.from(body, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES || raw.toString('base64url') !== body) {
      throw new CryptoError('malformed', 'malformed field ciphertext');
    }
    const n = raw.length - TAG_BYTES;
    const tag = engine.mac.digest(macContext(engine.kid, ctx), raw.subarray(0, n));
    if (!timingSafeEqual(tag.subarray(0, TAG_BYTES), raw.subarray(n))) {
      throw new CryptoError('auth_failed', 'field ciphertext failed authentication');
    }
    engine.ctr.xor(raw.subarray(0, IV_BYTES), raw.subarray(IV_BYTES, n), raw, IV_BYTES);
    const plain = raw.toString('utf8', IV_BYTES, n);
    raw.fill(0);
    return plain;
  }

  /**
   * {@link decrypt}, but on an unknown key id first reloads the key ring (at most once a second), for
   * values written by an instance that rotated keys after this one started.
   */
  async decryptRefreshing(ciphertext: string, ctx: FieldContext): Promise<string> {
    try {
      return this.decrypt(ciphertext, ctx);
    } catch (err) {
      if (!(err instanceof CryptoError) || err.code !== 'unknown_key') throw err;
      await this.keys.refresh(1000);
      return this.decrypt(ciphertext, ctx);
    }
  }

  /** The data key id a ciphertext was written under. @throws CryptoError `malformed`/`unsupported_version`. */
  keyIdOf(ciphertext: string): string {
    return ciphertext.slice(PREFIX.length, parse(ciphertext));
  }

  /** True if `ciphertext` is not under the active key (re-encrypt it with {@link reencrypt}). */
  needsRotation(ciphertext: string): boolean {
    return this.keyIdOf(ciphertext) !== this.keys.activeKeyId;
  }

  /**
   * The value re-encrypted under the active key, or `ciphertext` itself if it already is; idempotent,
   * so a background re-encryption job can be stopped and resumed. Authenticates before re-encrypting.
   */
  reencrypt(ciphertext: string, ctx: FieldContext): string {
    if (!this.needsRotation(ciphertext)) {
      this.decrypt(ciphertext, ctx);
      return ciphertext;
    }
    return this.encrypt(this.decrypt(ciphertext, ctx), ctx);
  }

  /** SM4 and HMAC-SM3 state of one data key, prepared on first use and reused. */
  #engine(kid: string): Engine {
    let engine = this.#engines.get(kid);
    if (!engine) {
      const key = this.keys.key(kid);
      engine = { kid, ctr: new Sm4Ctr(key.encKey), mac: new HmacSm3Key(key.macKey) };
      this.#engines.set(kid, engine);
    }
    return engine;
  }
}

interface Engine {
  kid: string;
  ctr: Sm4Ctr;
  mac: HmacSm3Key;
}

/** Index of the dot after the key id; checks the version prefix. */
function parse(ciphertext: string): number {
  if (!ciphertext.startsWith(PREFIX)) {
    if (/^v\d+\./.test(ciphertext))
      throw new CryptoError('unsupported_version', 'unsupported ciphertext version');
    throw new CryptoError('malformed', 'malformed field ciphertext');
  }
  const dot = ciphertext.indexOf('.', PREFIX.length);
  if (dot < 0) throw new CryptoError('malformed', 'malformed field ciphertext');
  return dot;
}

/** The context part of the MAC input: an unambiguous encoding of domain, key id and place. */
function macContext(kid: string, ctx: FieldContext): string {
  const rowId = String(ctx.rowId);
  if (!ctx.table || !ctx.column || !rowId) throw new TypeError('table, column and rowId must not be empty');
  return JSON.stringify([MAC_DOMAIN, kid, ctx.table, ctx.column, rowId]);
}

// IVs come from a pool refilled 256 at a time: one CSPRNG call instead of one per value (randomBytes
// per call costs as much as the SM4 encryption itself). Each slice is used before the next take.
const ivPool = Buffer.allocUnsafe(IV_BYTES * 256);
let ivAt = ivPool.length;

function takeIv(): Buffer {
  if (ivAt + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}
