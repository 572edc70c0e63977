import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { CryptoError } from './errors';

/**
 * The key-encryption side of envelope encryption (the KMS port). A provider creates data keys and
 * wraps them under a master key (KEK) that never leaves it; the application stores only wrapped keys.
 *
 * Implementations: {@link ConfigKeyProvider} (master key from configuration — development, tests and
 * sites without a KMS), and, for 密评 level 3, an adapter for a certified cipher machine (服务器密码机) or
 * cloud KMS (e.g. Aliyun KMS `GenerateDataKey`/`Decrypt` with an encryption context), which generates
 * the data key inside the certified product (GB/T 39786 Annex B).
 */
export interface KeyProvider {
  /**
   * A fresh 32-byte data key, in plaintext (for immediate use; zero it after deriving subkeys) and
   * wrapped (to store). `context` is bound into the wrapping: unwrapping with another context fails.
   */
  generateDataKey(context: string): Promise<{ plaintext: Buffer; wrapped: string }>;
  /** The plaintext of a wrapped data key. @throws CryptoError on a wrong context, KEK or tampering. */
  unwrap(wrapped: string, context: string): Promise<Buffer>;
}

/** Configuration of {@link ConfigKeyProvider}. */
export interface ConfigKeyProviderOptions {
  /**
   * Master keys by id, each 64 hex digits (32 bytes of CSPRNG output, e.g. `openssl rand -hex 32`).
   * Ids are 1–16 characters of `[A-Za-z0-9_-]`. Keep retired master keys here until every data key
   * wrapped under them has been re-wrapped.
   */
  masterKeys: Record<string, string>;
  /** Id of the master key that wraps new data keys. */
  activeMasterKeyId: string;
}

const DATA_KEY_BYTES = 32;
const IV_BYTES = 16;
const TAG_BYTES = 16;
const ID = /^[A-Za-z0-9_-]{1,16}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

interface Kek {
  enc: Buffer;
  mac: Buffer;
}

/**
 * Wraps data keys with a master key from configuration: SM4-CTR + HMAC-SM3 encrypt-then-MAC, with
 * separate wrapping and MAC keys derived from the master key by HKDF-SM3 (RFC 5869 with SM3).
 *
 * Wrapped key format: `w1.<masterKeyId>.<base64url(iv[16] ‖ SM4-CTR(dataKey)[32] ‖ tag[16])>`, where
 * `tag` is the first 16 bytes of HMAC-SM3(macKey, "gcrm.wrap.v1" ‖ JSON([masterKeyId, context]) ‖ iv ‖ ct).
 *
 * The master key then sits in process memory and in configuration: acceptable for development and
 * 密评 level 2 sites; at level 3 the master key belongs in a cipher machine or KMS (SECURITY.md §0.3).
 */
export class ConfigKeyProvider implements KeyProvider {
  readonly #keks = new Map<string, Kek>();
  readonly #activeId: string;

  constructor(options: ConfigKeyProviderOptions) {
    for (const [id, hex] of Object.entries(options.masterKeys)) {
      if (!ID.test(id)) throw new CryptoError('bad_key', 'master key id must be 1-16 of [A-Za-z0-9_-]');
      if (!HEX_KEY.test(hex)) throw new CryptoError('bad_key', `master key ${id} must be 64 hex digits`);
      const master = Buffer.from(hex, 'hex');
      this.#keks.set(id, {
        enc: derive(master, 'gcrm.kek.v1.enc', 16),
        mac: derive(master, 'gcrm.kek.v1.mac', 32),
      });
      master.fill(0);
    }
    if (!this.#keks.has(options.activeMasterKeyId)) {
      throw new CryptoError('bad_key', 'activeMasterKeyId names no configured master key');
    }
    this.#activeId = options.activeMasterKeyId;
  }

  async generateDataKey(context: string): Promise<{ plaintext: Buffer; wrapped: string }> {
    const plaintext = randomBytes(DATA_KEY_BYTES);
    return { plaintext, wrapped: this.wrap(plaintext, context) };
  }

  async unwrap(wrapped: string, context: string): Promise<Buffer> {
    const parts = wrapped.split('.');
    if (parts.length !== 3 || !B64URL.test(parts[2]!))
      throw new CryptoError('malformed', 'malformed wrapped key');
    const [version, kekId, body] = parts as [string, string, string];
    if (version !== 'w1') throw new CryptoError('unsupported_version', 'unsupported wrapped key version');
    const kek = this.#keks.get(kekId);
    if (!kek) throw new CryptoError('unknown_key', 'wrapped under an unknown master key');
    const raw = Buffer.from(body, 'base64url');
    if (raw.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES || raw.toString('base64url') !== body) {
      throw new CryptoError('malformed', 'malformed wrapped key');
    }
    const iv = raw.subarray(0, IV_BYTES);
    const ct = raw.subarray(IV_BYTES, IV_BYTES + DATA_KEY_BYTES);
    const tag = raw.subarray(IV_BYTES + DATA_KEY_BYTES);
    if (!timingSafeEqual(tag, wrapTag(kek, kekId, context, iv, ct))) {
      throw new CryptoError('auth_failed', 'wrapped key failed authentication');
    }
    const decipher = createDecipheriv('sm4-ctr', kek.enc, iv);
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  }

  /** Wraps `dataKey` under the active master key (also used to re-wrap after a master-key rotation). */
  wrap(dataKey: Buffer, context: string): string {
    if (dataKey.length !== DATA_KEY_BYTES) throw new CryptoError('bad_key', 'data key must be 32 bytes');
    const kek = this.#keks.get(this.#activeId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('sm4-ctr', kek.enc, iv);
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    const tag = wrapTag(kek, this.#activeId, context, iv, ct);
    return `w1.${this.#activeId}.${Buffer.concat([iv, ct, tag]).toString('base64url')}`;
  }
}

function wrapTag(kek: Kek, kekId: string, context: string, iv: Buffer, ct: Buffer): Buffer {
  return createHmac('sm3', kek.mac)
    .update('gcrm.wrap.v1')
    .update(JSON.stringify([kekId, context]))
    .update(iv)
    .update(ct)
    .digest()
    .subarray(0, TAG_BYTES);
}

/** HKDF-SM3 (RFC 5869 with SM3, empty salt): a subkey of `length` bytes for the purpose `info`. */
export function derive(ikm: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sm3', ikm, Buffer.alloc(0), info, length));
}
