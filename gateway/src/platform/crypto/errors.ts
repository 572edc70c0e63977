/**
 * Why a ciphertext, wrapped key or key configuration was refused:
 * - `malformed`: not a string this code ever produced (bad prefix, separators, encoding or length);
 * - `unsupported_version`: a format version this build cannot read;
 * - `unknown_key`: the key id is not in the key ring (another instance may have rotated: refresh);
 * - `auth_failed`: the MAC does not match — tampered, truncated, or moved to another table/column/row;
 * - `bad_key`: key material or key configuration is unusable (wrong length, not hex, duplicate id).
 */
export type CryptoErrorCode = 'malformed' | 'unsupported_version' | 'unknown_key' | 'auth_failed' | 'bad_key';

/**
 * The one error class of `platform/crypto`. Its message names the failure only, never the value, the
 * context or key material, so it is safe to log. Decryption failures are operational errors for the
 * caller (the request fails with a generic 500), not something to show to the citizen.
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = 'CryptoError';
    this.code = code;
  }
}
