import { randomInt } from 'node:crypto';
import {
  buildXml,
  type CallbackCipher,
  CallbackCipherError,
  parseSafeXml,
} from '../../core/callback-cipher/index';

/**
 * The query of a callback request: a `URLSearchParams`, or an already parsed object such as Koa's
 * `ctx.query` (a repeated parameter counts as missing).
 */
export type CallbackQuery = URLSearchParams | Record<string, string | string[] | undefined>;

/** A decrypted callback: the inner XML's top-level fields and the key to drop redeliveries by. */
export interface OpenedCallback {
  /** Top-level fields as strings (`MsgType`, `Event`, `FromUserName`, `TaskId`, …); nested elements as JSON. */
  event: Record<string, string>;
  /**
   * `msg:<MsgId>` for messages; `event:<FromUserName>:<CreateTime>:<Event>` for events
   * (platforms.md §3.5). WeCom retries up to 3 times, so the gateway must drop repeats of this key.
   */
  dedupeKey: string;
}

function param(query: CallbackQuery, name: string): string {
  const value = query instanceof URLSearchParams ? query.get(name) : query[name];
  if (typeof value !== 'string') throw new CallbackCipherError('ValidateSignature', `missing ${name}`);
  return value;
}

// A '+' that was not percent-encoded arrives as a space; base64 never holds spaces.
const base64Param = (value: string) => value.replaceAll(' ', '+');

/**
 * URL verification (GET `?msg_signature&timestamp&nonce&echostr`, platforms.md §3.5): check the
 * signature, decrypt `echostr` and return the plaintext, to be answered as the whole body (no quotes,
 * BOM or newline) within 1 s.
 *
 * @throws CallbackCipherError `ValidateSignature` (also for missing parameters), then decryption errors.
 */
export function verifyUrl(query: CallbackQuery, cipher: CallbackCipher): string {
  return cipher.open({
    signature: param(query, 'msg_signature'),
    timestamp: param(query, 'timestamp'),
    nonce: param(query, 'nonce'),
    encrypted: base64Param(param(query, 'echostr')),
  });
}

function asStrings(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * A message/event POST (`?msg_signature&timestamp&nonce`, body `<xml><ToUserName/><AgentID/><Encrypt/></xml>`):
 * the envelope is parsed safely, the signature over `Encrypt` checked first, then it is decrypted
 * (receiveId = corpid) and the inner XML parsed safely.
 *
 * @throws CallbackCipherError `ParseXml` (bad envelope or inner XML, no `Encrypt`),
 *   `ValidateSignature`, `ValidateReceiveId`, decryption errors.
 */
export function openCallback(query: CallbackQuery, xmlBody: string, cipher: CallbackCipher): OpenedCallback {
  const envelope = parseSafeXml(xmlBody);
  const encrypted = envelope.Encrypt;
  if (typeof encrypted !== 'string' || encrypted === '') {
    throw new CallbackCipherError('ParseXml', 'no Encrypt element');
  }
  const plaintext = cipher.open({
    signature: param(query, 'msg_signature'),
    timestamp: param(query, 'timestamp'),
    nonce: param(query, 'nonce'),
    encrypted,
  });
  const event = asStrings(parseSafeXml(plaintext));
  return { event, dedupeKey: dedupeKeyOf(event) };
}

/** `msg:<MsgId>`, else `event:<FromUserName>:<CreateTime>:<Event>` (platforms.md §3.5). */
export function dedupeKeyOf(event: Record<string, string>): string {
  if (event.MsgId) return `msg:${event.MsgId}`;
  return `event:${event.FromUserName ?? ''}:${event.CreateTime ?? ''}:${event.Event ?? ''}`;
}

/**
 * A passive encrypted reply `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>` for the plaintext
 * reply XML (platforms.md §3.5). An empty HTTP 200 body is the other valid answer.
 */
export function sealReply(
  xml: string,
  cipher: CallbackCipher,
  at: { timestamp?: string; nonce?: string } = {},
): string {
  const timestamp = at.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = at.nonce ?? String(randomInt(100_000_000, 1_000_000_000));
  const { encrypted, signature } = cipher.seal(xml, timestamp, nonce);
  return buildXml({
    Encrypt: encrypted,
    MsgSignature: signature,
    TimeStamp: /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : timestamp,
    Nonce: nonce,
  });
}
