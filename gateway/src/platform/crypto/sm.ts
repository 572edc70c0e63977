/**
 * SM3, HMAC-SM3 and SM2 signatures.
 *
 * SM3 and HMAC-SM3 come from `node:crypto` (OpenSSL). SM2 comes from sm-crypto-v2, because Node's own
 * SM2 keys sign plain ECDSA over the SM2 curve, or real SM2 with an empty distinguishing ID, and neither
 * verifies against GB/T 32918 peers (see `shared/vectors/gm-vectors.json`, node_crypto_capabilities.sm2).
 *
 * SM2 settings used here, and why:
 * - `hash: true` — sign `e = SM3(Z_A ‖ M)` with the Z_A preprocessing of GB/T 32918.2 §6.1, not a raw
 *   digest; without it no standard peer verifies the signature.
 * - `userId` defaults to {@link SM2_DEFAULT_USER_ID} (GM/T 0009-2012 §10 / GB/T 35276 default ID); OpenSSL
 *   interoperates with `-pkeyopt distid:1234567812345678`.
 * - Signatures are DER `SEQUENCE { INTEGER r, INTEGER s }` (GB/T 35276 / GM/T 0009), as hex. Verification
 *   parses DER strictly (minimal lengths, no trailing bytes) and checks 1 ≤ r, s ≤ n − 1 itself
 *   (GB/T 32918.2 §7.1 B1–B2), because sm-crypto-v2's decoder is lenient and skips the range check.
 * - Keys are hex: private key 64 hex digits; public key uncompressed `04‖x‖y` (130 hex digits).
 *   sm-crypto-v2 draws randomness from `globalThis.crypto.getRandomValues` (Node's CSPRNG).
 *
 * A pure-JS implementation is not a certified crypto product (GB/T 39786 §8.4 j); at 密评 level 3 keep
 * signing keys in a cipher machine or UKey and use this module for verification and development.
 */
import { createHash, createHmac, type KeyObject } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';

export type BinaryLike = string | Uint8Array;

/** SM3 digest (GB/T 32905-2016), 32 bytes. Strings are hashed as UTF-8. */
export function sm3(data: BinaryLike): Buffer {
  return createHash('sm3').update(data).digest();
}

/** HMAC-SM3 (GB/T 15852.2 / RFC 2104 construction with SM3), 32 bytes. Strings are MACed as UTF-8. */
export function hmacSm3(key: Uint8Array | KeyObject, data: BinaryLike): Buffer {
  return createHmac('sm3', key).update(data).digest();
}

/** The default SM2 user ID (distinguishing identifier) of GM/T 0009-2012, ASCII `1234567812345678`. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

/** An SM2 key pair as hex: `privateKey` 64 hex digits, `publicKey` uncompressed `04‖x‖y` (130 hex digits). */
export interface Sm2KeyPair {
  privateKey: string;
  publicKey: string;
}

export interface Sm2Options {
  /** Signer's distinguishing ID, UTF-8; defaults to {@link SM2_DEFAULT_USER_ID}. Both sides must agree. */
  userId?: string;
}

/** Order n of the SM2 recommended curve's base point (GB/T 32918.5). */
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
const HEX64 = /^[0-9a-f]{64}$/i;

/** A fresh SM2 key pair from the platform CSPRNG. */
export function generateSm2KeyPair(): Sm2KeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { privateKey, publicKey };
}

/** The uncompressed public key (`04‖x‖y`, hex) of a private key. */
export function sm2PublicKeyOf(privateKey: string): string {
  checkPrivateKey(privateKey);
  return sm2.getPublicKeyFromPrivateKey(privateKey);
}

/**
 * Signs `message` (strings as UTF-8) with SM2/SM3 per GB/T 32918.2, Z_A over `options.userId`.
 * Returns the DER signature as lower-case hex.
 * @throws RangeError if `privateKey` is not 64 hex digits in [1, n − 2].
 */
export function sm2Sign(
  message: BinaryLike,
  privateKey: string,
  options: Sm2Options & { publicKey?: string } = {},
): string {
  checkPrivateKey(privateKey);
  return sm2.doSignature(message, privateKey, {
    hash: true,
    der: true,
    userId: options.userId ?? SM2_DEFAULT_USER_ID,
    publicKey: options.publicKey ?? sm2.getPublicKeyFromPrivateKey(privateKey),
  });
}

/**
 * Verifies a DER-hex SM2/SM3 signature. Returns false (never throws) for a wrong or malformed
 * signature, a non-canonical DER encoding, r or s outside [1, n − 1], or a public key not on the curve.
 */
export function sm2Verify(
  message: BinaryLike,
  signatureDer: string,
  publicKey: string,
  options: Sm2Options = {},
): boolean {
  const rs = parseDerSignature(signatureDer);
  if (!rs) return false;
  try {
    if (!sm2.verifyPublicKey(publicKey)) return false;
    const raw = rs.r.toString(16).padStart(64, '0') + rs.s.toString(16).padStart(64, '0');
    return sm2.doVerifySignature(message, raw, publicKey, {
      hash: true,
      der: false,
      userId: options.userId ?? SM2_DEFAULT_USER_ID,
    });
  } catch {
    return false;
  }
}

function checkPrivateKey(privateKey: string): void {
  if (!HEX64.test(privateKey)) throw new RangeError('SM2 private key must be 64 hex digits');
  const d = BigInt(`0x${privateKey}`);
  if (d < 1n || d > N - 2n) throw new RangeError('SM2 private key out of range');
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` with 1 ≤ r, s ≤ n − 1, or undefined. */
export function parseDerSignature(hex: string): { r: bigint; s: bigint } | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  const der = Buffer.from(hex, 'hex');
  // Both integers fit in 33 bytes, so every length is short-form (< 128).
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readInteger(der, 2);
  if (!r) return undefined;
  const s = readInteger(der, r.next);
  if (!s || s.next !== der.length) return undefined;
  if (r.value < 1n || r.value >= N || s.value < 1n || s.value >= N) return undefined;
  return { r: r.value, s: s.value };
}

function readInteger(der: Buffer, at: number): { value: bigint; next: number } | undefined {
  const len = der[at + 1];
  if (der[at] !== 0x02 || len === undefined || len < 1 || len > 33 || at + 2 + len > der.length)
    return undefined;
  const body = der.subarray(at + 2, at + 2 + len);
  const first = body[0]!;
  if (first & 0x80) return undefined; // negative
  if (first === 0 && (len === 1 || !(body[1]! & 0x80))) return undefined; // not minimal
  return { value: BigInt(`0x${body.toString('hex')}`), next: at + 2 + len };
}
