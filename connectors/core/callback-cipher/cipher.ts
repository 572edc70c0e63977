import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CallbackCipherError } from './errors';
import { sameSignature, sortedSha1 } from './signature';

/** Settings shared by WeChat safe mode, WeCom and DingTalk HTTP callbacks (platforms.md §5). */
export interface CallbackCipherOptions {
  /** The signature token configured in the platform console. */
  token: string;
  /** 43 characters; base64(key + '=') gives the 32-byte AES key. */
  encodingAesKey: string;
  /** appid / corpid / suiteid / AppKey / CorpId / SuiteKey; '' for WeCom personal third-party apps. */
  receiveId: string;
  /** The key before a rotation: decryption tries the current key, then this one. */
  previousEncodingAesKey?: string;
}

const BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const AES_KEY = /^[A-Za-z0-9+/]{43}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function aesKeyOf(encodingAesKey: unknown): Buffer {
  if (typeof encodingAesKey !== 'string' || !AES_KEY.test(encodingAesKey)) {
    throw new CallbackCipherError('IllegalAesKey', 'EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new CallbackCipherError('IllegalAesKey', 'key is not 32 bytes');
  return key;
}

function pkcs7Pad(data: Buffer): Buffer {
  const pad = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/**
 * The WXBizMsgCrypt cipher: AES-256-CBC (IV = key[0:16]) over
 * `random(16) ‖ uint32be(byteLength(msg)) ‖ msg ‖ receiveId`, PKCS#7-padded to 32-byte blocks, and the
 * `msg_signature` = sha1(sort(token, timestamp, nonce, encrypted)).
 *
 * Every failure is a {@link CallbackCipherError}; callers map it to their platform's answer.
 */
export class CallbackCipher {
  readonly #token: string;
  readonly #receiveId: string;
  readonly #keys: readonly Buffer[];

  /** @throws CallbackCipherError `IllegalAesKey` when a key is not 43 base64 characters. */
  constructor(options: CallbackCipherOptions) {
    const keys = [aesKeyOf(options.encodingAesKey)];
    if (options.previousEncodingAesKey !== undefined) keys.push(aesKeyOf(options.previousEncodingAesKey));
    if (typeof options.token !== 'string') throw new CallbackCipherError('ComputeSignature', 'token');
    if (typeof options.receiveId !== 'string')
      throw new CallbackCipherError('ValidateReceiveId', 'receiveId');
    this.#token = options.token;
    this.#receiveId = options.receiveId;
    this.#keys = keys;
  }

  /** Encrypt with the current key; `random16` fixes the 16 random bytes (tests, known answers). */
  encrypt(message: string, random16?: Buffer): string {
    if (typeof message !== 'string') throw new CallbackCipherError('EncryptAES', 'message must be a string');
    const random = random16 ?? randomBytes(RANDOM_BYTES);
    if (!Buffer.isBuffer(random) || random.length !== RANDOM_BYTES) {
      throw new CallbackCipherError('EncryptAES', 'random prefix must be 16 bytes');
    }
    const msg = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(msg.length);
    const plain = pkcs7Pad(Buffer.concat([random, length, msg, Buffer.from(this.#receiveId, 'utf8')]));
    let encrypted: Buffer;
    try {
      const key = this.#keys[0]!;
      const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
      cipher.setAutoPadding(false);
      encrypted = Buffer.concat([cipher.update(plain), cipher.final()]);
    } catch {
      throw new CallbackCipherError('EncryptAES');
    }
    return encrypted.toString('base64');
  }

  /**
   * Decrypt with the current key, then the previous one. Checks the padding value (1..32), the length
   * field, UTF-8 validity and that the trailing receiveId equals ours exactly.
   */
  decrypt(encrypted: string): string {
    const data = decodeBase64(encrypted);
    let first: CallbackCipherError | undefined;
    for (const key of this.#keys) {
      try {
        return this.#decryptWith(key, data);
      } catch (error) {
        first ??= error as CallbackCipherError;
      }
    }
    throw first!;
  }

  /** `msg_signature` over (token, timestamp, nonce, encrypted): lowercase hex sha1 of the sorted concat. */
  signature(timestamp: string, nonce: string, encrypted: string): string {
    return sortedSha1([this.#token, timestamp, nonce, encrypted]);
  }

  /** Constant-time check of a received `msg_signature`. */
  verify(signature: string, timestamp: string, nonce: string, encrypted: string): boolean {
    return sameSignature(signature, this.signature(timestamp, nonce, encrypted));
  }

  /** Verify, then decrypt. @throws CallbackCipherError `ValidateSignature` before any decryption. */
  open(input: { signature: string; timestamp: string; nonce: string; encrypted: string }): string {
    if (!this.verify(input.signature, input.timestamp, input.nonce, input.encrypted)) {
      throw new CallbackCipherError('ValidateSignature');
    }
    return this.decrypt(input.encrypted);
  }

  /** Encrypt and sign: for passive replies and for simulators pushing callbacks. */
  seal(message: string, timestamp: string, nonce: string): { encrypted: string; signature: string } {
    const encrypted = this.encrypt(message);
    return { encrypted, signature: this.signature(timestamp, nonce, encrypted) };
  }

  #decryptWith(key: Buffer, data: Buffer): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new CallbackCipherError('DecryptAES');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length)
      throw new CallbackCipherError('IllegalBuffer', 'padding');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < RANDOM_BYTES + LENGTH_BYTES)
      throw new CallbackCipherError('IllegalBuffer', 'too short');
    const msgLength = content.readUInt32BE(RANDOM_BYTES);
    const msgStart = RANDOM_BYTES + LENGTH_BYTES;
    if (msgLength > content.length - msgStart) throw new CallbackCipherError('IllegalBuffer', 'length field');
    let message: string;
    let receiveId: string;
    try {
      message = utf8.decode(content.subarray(msgStart, msgStart + msgLength));
      receiveId = utf8.decode(content.subarray(msgStart + msgLength));
    } catch {
      throw new CallbackCipherError('IllegalBuffer', 'not UTF-8');
    }
    if (receiveId !== this.#receiveId) throw new CallbackCipherError('ValidateReceiveId');
    return message;
  }
}

/** Strict base64 (line breaks from MIME encoders tolerated), a non-empty whole number of AES blocks. */
function decodeBase64(encrypted: unknown): Buffer {
  if (typeof encrypted !== 'string') throw new CallbackCipherError('DecodeBase64', 'not a string');
  const compact = encrypted.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) throw new CallbackCipherError('DecodeBase64');
  const data = Buffer.from(compact, 'base64');
  if (data.length === 0 || data.length % 16 !== 0)
    throw new CallbackCipherError('DecryptAES', 'not whole blocks');
  return data;
}
