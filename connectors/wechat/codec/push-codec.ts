import { timingSafeEqual } from 'node:crypto';
import {
  type CallbackCipher,
  CallbackCipherError,
  MAX_CALLBACK_XML_CHARS,
  parseSafeXml,
  plainSignature,
} from '../../core/callback-cipher';
import { PushCodecError } from './push-codec-error';

/** Query parameters as Koa (`ctx.query`) or `URLSearchParams` hand them over. */
export type PushQuery = URLSearchParams | Record<string, string | string[] | undefined>;

/** A verified, decrypted push. */
export interface OpenedPush {
  /** The message fields (`ToUserName`, `FromUserName`, `CreateTime`, `MsgType`, `Event`, …). */
  event: Record<string, unknown>;
  /**
   * Stable id of this message across WeChat's retries: `msg:<MsgId>`, else
   * `evt:<FromUserName>:<CreateTime>:<Event>`. Store it and drop pushes already seen.
   */
  dedupeKey: string;
  /** True when the message came encrypted (safe or compatible mode). */
  encrypted: boolean;
}

export interface OpenPushOptions {
  /** The Token configured in the console (3–32 characters). */
  token: string;
  /**
   * The app's cipher (receiveId = mini-program appid). With a cipher the app is in safe or
   * compatible mode and plaintext pushes are refused: their body is covered by no signature.
   */
  cipher?: CallbackCipher;
}

function param(query: PushQuery, name: string): string | undefined {
  const value = query instanceof URLSearchParams ? query.get(name) : query[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' ? text : undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkPlainSignature(query: PushQuery, token: string): void {
  const signature = param(query, 'signature');
  const timestamp = param(query, 'timestamp');
  const nonce = param(query, 'nonce');
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new PushCodecError('Signature', 'signature, timestamp and nonce are required');
  }
  if (!sameText(signature, plainSignature(token, timestamp, nonce))) {
    throw new PushCodecError('Signature', 'signature mismatch');
  }
}

/**
 * The GET URL check of the console (platforms.md §1.6): verify
 * `signature = sha1(sort(token, timestamp, nonce))` in constant time and return `echostr`, to be
 * answered verbatim. The same plain check applies in safe mode (echostr is not encrypted).
 *
 * @throws PushCodecError `Signature` when a parameter is missing or the signature is wrong.
 */
export function verifyPushUrl(query: PushQuery, token: string): string {
  checkPlainSignature(query, token);
  const echostr = param(query, 'echostr');
  if (echostr === undefined) throw new PushCodecError('Signature', 'echostr is required');
  return echostr;
}

type Format = 'json' | 'xml';

function formatOf(text: string, contentType: string | undefined): Format {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  return text.trimStart().startsWith('<') ? 'xml' : 'json';
}

// MsgId/MsgID exceed 2^53: keep their digits by quoting the number before JSON.parse rounds it.
const BIG_ID = /("Msg(?:Id|ID)"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g;

function parseObject(text: string, format: Format): Record<string, unknown> {
  if (format === 'xml') {
    try {
      return parseSafeXml(text);
    } catch (error) {
      const code = error instanceof CallbackCipherError ? error.code : undefined;
      throw new PushCodecError('Body', 'XML is malformed or refused', code);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(BIG_ID, '$1"$2"'));
  } catch {
    throw new PushCodecError('Body', 'JSON is malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PushCodecError('Body', 'JSON body is not an object');
  }
  return value as Record<string, unknown>;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** `msg:<MsgId>` or `evt:<FromUserName>:<CreateTime>:<Event>` (platforms.md §1.6 item 4). */
export function pushDedupeKey(event: Record<string, unknown>): string {
  const msgId = scalar(event.MsgId) ?? scalar(event.MsgID);
  if (msgId !== undefined) return `msg:${msgId}`;
  const from = scalar(event.FromUserName);
  const created = scalar(event.CreateTime);
  if (from === undefined || created === undefined) {
    throw new PushCodecError('Body', 'no MsgId and no FromUserName/CreateTime');
  }
  return `evt:${from}:${created}:${scalar(event.Event) ?? ''}`;
}

/**
 * Verify and open a message push POST (platforms.md §1.6, §5), in any console mode and format:
 * - plaintext: checks `signature` over (token, timestamp, nonce); refused when `options.cipher` is set.
 * - safe / compatible (`encrypt_type=aes`, or an `Encrypt` field): checks `msg_signature` over
 *   (token, timestamp, nonce, Encrypt), never `signature` alone, then decrypts with the cipher and
 *   uses only the decrypted fields (compatible mode's plaintext copies are ignored).
 * JSON and XML (through the shared safe parser, which refuses DOCTYPE/ENTITY) are both accepted; the
 * decrypted message is parsed in the format it turns out to have.
 *
 * @throws PushCodecError for every refusal; never anything else.
 */
export function openPush(
  query: PushQuery,
  rawBody: string | Buffer,
  contentType: string | undefined,
  options: OpenPushOptions,
): OpenedPush {
  if (typeof rawBody !== 'string' && !Buffer.isBuffer(rawBody)) throw new PushCodecError('Body', 'no body');
  if (rawBody.length > MAX_CALLBACK_XML_CHARS) throw new PushCodecError('Body', 'body too large');
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const envelope = parseObject(text, formatOf(text, contentType));
  const encryptedField = envelope.Encrypt;
  const claimsEncryption = param(query, 'encrypt_type') === 'aes' || encryptedField !== undefined;

  if (!claimsEncryption) {
    if (options.cipher) throw new PushCodecError('Encryption', 'plaintext push in safe mode');
    checkPlainSignature(query, options.token);
    return { event: envelope, dedupeKey: pushDedupeKey(envelope), encrypted: false };
  }
  if (!options.cipher) throw new PushCodecError('Encryption', 'encrypted push without a configured cipher');
  const signature = param(query, 'msg_signature');
  const timestamp = param(query, 'timestamp');
  const nonce = param(query, 'nonce');
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new PushCodecError('Signature', 'msg_signature, timestamp and nonce are required');
  }
  if (typeof encryptedField !== 'string' || encryptedField === '') {
    throw new PushCodecError('Body', 'Encrypt is missing');
  }
  let plaintext: string;
  try {
    plaintext = options.cipher.open({ signature, timestamp, nonce, encrypted: encryptedField });
  } catch (error) {
    const code = error instanceof CallbackCipherError ? error.code : undefined;
    if (code === 'ValidateSignature') throw new PushCodecError('Signature', 'msg_signature mismatch', code);
    throw new PushCodecError('Decrypt', 'cannot decrypt Encrypt', code);
  }
  const event = parseObject(plaintext, formatOf(plaintext, undefined));
  return { event, dedupeKey: pushDedupeKey(event), encrypted: true };
}
