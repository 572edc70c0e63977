import type { CallbackCipherError } from '../../core/callback-cipher';

/**
 * Why a message push (platforms.md §1.6) was refused:
 * - `Signature`: `signature` / `msg_signature` missing or wrong (answer 401/403, do not process).
 * - `Encryption`: the app runs in safe/compatible mode but the push is not encrypted, or no cipher is
 *   configured for an encrypted push.
 * - `Decrypt`: the envelope was signed correctly but could not be decrypted (see `cipherCode`).
 * - `Body`: the body (or the decrypted message) is not a JSON/XML object, or lacks the fields needed
 *   for deduplication.
 *
 * The message never holds the token, the key, the body or any field value.
 */
export class PushCodecError extends Error {
  override readonly name = 'PushCodecError';
  readonly reason: 'Signature' | 'Encryption' | 'Decrypt' | 'Body';
  /** The shared cipher's error code when the cipher refused the input. */
  readonly cipherCode: CallbackCipherError['code'] | undefined;

  constructor(reason: PushCodecError['reason'], detail: string, cipherCode?: CallbackCipherError['code']) {
    super(`WeChat push refused: ${reason} (${detail})`);
    this.reason = reason;
    this.cipherCode = cipherCode;
  }
}
