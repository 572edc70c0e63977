import { CryptoError } from './errors';
import { HmacSm3Key } from './hmac-sm3-key';
import { derive } from './key-provider';

/** Maps a value to the canonical form that is indexed; equal canonical forms give equal indexes. */
export type Normaliser = (value: string) => string;

const SPACES = /[\s\u200B-\u200D\uFEFF-]/g;
const NON_DIGITS = /\D/g;

/**
 * 身份证号码 and other GB 11643-style numbers: NFKC (full-width ０–９/Ｘ → ASCII), whitespace,
 * zero-width characters and hyphens removed, upper-cased (`x` → `X`). No validation: validate first.
 */
export const normaliseIdNumber: Normaliser = (value) =>
  value.normalize('NFKC').replace(SPACES, '').toUpperCase();

/**
 * Phone numbers: NFKC, digits only; a mainland mobile number written with the country code
 * (`+86 138…`, `0086138…`, `86138…`) loses it, so every spelling of one mobile indexes the same.
 */
export const normalisePhone: Normaliser = (value) => {
  const digits = value.normalize('NFKC').replace(NON_DIGITS, '');
  if (digits.length === 13 && /^861[3-9]/.test(digits)) return digits.slice(2);
  if (digits.length === 15 && /^00861[3-9]/.test(digits)) return digits.slice(4);
  return digits;
};

/** Free text (names, addresses): NFKC, runs of whitespace collapsed to one space, trimmed. Case kept. */
export const normaliseText: Normaliser = (value) => value.normalize('NFKC').replace(/\s+/g, ' ').trim();

export interface ColumnIndexOptions {
  /**
   * Bytes of HMAC-SM3 output kept, 8–32 (default 16 → 32 hex characters). See {@link BlindIndex} for
   * the trade-off; changing it changes every index value of the column.
   */
  bytes?: number;
}

/**
 * Keyed SM3 blind indexes for exact-match search on encrypted columns (CipherSweet's pattern):
 * `index = hex(HMAC-SM3(columnKey, UTF-8(normalise(value)))[0 … bytes))`, where
 * `columnKey = HKDF-SM3(indexKey, "gcrm.bidx.v1:" + JSON([table, column]), 32)`.
 *
 * - **Separate key.** The index key is not a data key and does not rotate with them: rotating it means
 *   a second index column during the migration. Keep it in the same secret store as the master key.
 * - **Per-column keys.** Equal values in different columns (or tables) have unrelated indexes.
 * - **Leakage.** Within one column the index shows which rows hold the same value, like deterministic
 *   encryption. ID and phone numbers have little entropy (≈10¹⁰ candidates), so anyone holding the
 *   index key recovers them from the index by brute force: the key is what protects them.
 * - **Truncation.** 16 bytes by default. At that length accidental collisions are negligible (birthday
 *   bound 2⁶⁴ rows), so an index hit identifies the value and needs no decrypt-and-compare. Truncating
 *   to 2–4 bytes would blur equality only when a column holds far more distinct values than 2¹⁶–2³²
 *   and would not slow a brute-force attacker who has the key, so it buys little here while costing
 *   false-positive rows on every lookup; callers who want it can set `bytes` down to 8.
 * - **Hex, lower case**, because MySQL's default collations compare case-insensitively (base64 would
 *   collide in such a column). Store as `CHAR(32) CHARACTER SET ascii` with an ordinary index.
 *
 * @example
 * const bidx = new BlindIndex(Buffer.from(config.crypto.indexKeyHex, 'hex'));
 * const idNoIndex = bidx.column('citizen', 'id_no', normaliseIdNumber);
 * row.id_no_bidx = idNoIndex.of(idNumber);
 * db.selectFrom('citizen').where('id_no_bidx', '=', idNoIndex.of(query));
 */
export class BlindIndex {
  readonly #key: Buffer;

  /** @param indexKey 32 bytes from a CSPRNG, kept apart from the field-encryption keys. */
  constructor(indexKey: Uint8Array) {
    if (indexKey.length !== 32) throw new CryptoError('bad_key', 'blind index key must be 32 bytes');
    this.#key = Buffer.from(indexKey);
  }

  /** @param hex 64 hex digits. */
  static fromHex(hex: string): BlindIndex {
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new CryptoError('bad_key', 'blind index key must be 64 hex digits');
    return new BlindIndex(Buffer.from(hex, 'hex'));
  }

  /** The index of one column, with its own derived key and normalisation. */
  column(
    table: string,
    column: string,
    normalise: Normaliser,
    options: ColumnIndexOptions = {},
  ): ColumnIndex {
    const bytes = options.bytes ?? 16;
    if (!Number.isInteger(bytes) || bytes < 8 || bytes > 32) throw new RangeError('bytes must be 8-32');
    if (!table || !column) throw new TypeError('table and column must not be empty');
    const key = derive(this.#key, `gcrm.bidx.v1:${JSON.stringify([table, column])}`, 32);
    const index = new ColumnIndex(key, normalise, bytes);
    key.fill(0);
    return index;
  }
}

/** The blind index of one column; see {@link BlindIndex}. */
export class ColumnIndex {
  readonly #mac: HmacSm3Key;
  readonly #normalise: Normaliser;
  readonly #bytes: number;

  /** @internal use {@link BlindIndex.column}. */
  constructor(key: Buffer, normalise: Normaliser, bytes: number) {
    this.#mac = new HmacSm3Key(key);
    this.#normalise = normalise;
    this.#bytes = bytes;
  }

  /**
   * The index of `value`: `2 × bytes` lower-case hex characters.
   * @throws RangeError if nothing is left after normalisation (store NULL for an absent value instead).
   */
  of(value: string): string {
    const canonical = this.#normalise(value);
    if (canonical === '') throw new RangeError('nothing to index after normalisation');
    return this.#mac.digest(canonical).toString('hex', 0, this.#bytes);
  }
}
