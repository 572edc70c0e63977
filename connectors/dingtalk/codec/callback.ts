import { createHash, randomBytes } from 'node:crypto';
import {
  type CallbackCipher,
  CallbackCipherError,
  type CallbackCipherErrorCode,
} from '../../core/callback-cipher/index';

/**
 * DingTalk HTTP event push ("HTTP 推送", platforms.md §2.8): pure functions, no web framework.
 *
 * The gateway's route does: `const { eventType, event, dedupeKey } = openDingtalkCallback(ctx.query,
 * ctx.request.body, cipher)`, records the event in its inbox under `dedupeKey` (pushes are retried and
 * may arrive twice or out of order), then answers `successReply(cipher, Date.now())` as JSON within
 * 1500 ms. `check_url` is an ordinary event here: answer it with the same reply.
 *
 * The cipher's `receiveId` is the AppKey for console-configured internal-app subscriptions (CorpId
 * for `register_call_back`, SuiteKey for ISV apps).
 */

/** Why a push was refused. The gateway answers it with HTTP 400 (or 403 for a bad signature). */
export type DingtalkCallbackErrorCode =
  | 'MissingParameter'
  | 'BadEnvelope'
  | 'BadEvent'
  | CallbackCipherErrorCode;

export class DingtalkCallbackError extends Error {
  override readonly name = 'DingtalkCallbackError';
  readonly code: DingtalkCallbackErrorCode;
  /** The DingTalk crypto library's number for it (900001…900010), when there is one. */
  readonly dingtalkCode: number | undefined;

  constructor(code: DingtalkCallbackErrorCode, detail: string, options: { dingtalkCode?: number } = {}) {
    super(`DingTalk callback refused (${code}): ${detail}`);
    this.code = code;
    this.dingtalkCode = options.dingtalkCode;
  }
}

/** A decrypted push. `event` is the flat decrypted JSON, `EventType` included. */
export interface DingtalkCallback {
  eventType: string;
  event: Record<string, unknown>;
  /** Stable across redeliveries of the same event: see {@link callbackDedupeKey}. */
  dedupeKey: string;
}

/** The JSON body DingTalk expects back: AES(`"success"`) signed with the same token. */
export interface DingtalkCallbackReply {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

/** Query values as Koa (`string | string[]`), node's URLSearchParams or a plain record give them. */
export type CallbackQuery = URLSearchParams | Record<string, unknown>;

const MAX_PARAM_CHARS = 128;

function param(query: CallbackQuery, ...names: string[]): string | undefined {
  for (const name of names) {
    const raw = query instanceof URLSearchParams ? query.get(name) : query[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function required(query: CallbackQuery, ...names: string[]): string {
  const value = param(query, ...names);
  if (value === undefined)
    throw new DingtalkCallbackError('MissingParameter', `${names.join(' or ')} missing`);
  if (value.length > MAX_PARAM_CHARS)
    throw new DingtalkCallbackError('MissingParameter', `${names[0]} too long`);
  return value;
}

/**
 * Verify and decrypt one push: query `msg_signature` (or `signature`), `timestamp` (or `timeStamp`),
 * `nonce`; body `{"encrypt": "…"}`. Throws {@link DingtalkCallbackError} for anything else.
 */
export function openDingtalkCallback(
  query: CallbackQuery,
  jsonBody: unknown,
  cipher: CallbackCipher,
): DingtalkCallback {
  const signature = required(query, 'msg_signature', 'signature');
  const timestamp = required(query, 'timestamp', 'timeStamp');
  const nonce = required(query, 'nonce');
  if (typeof jsonBody !== 'object' || jsonBody === null || Array.isArray(jsonBody)) {
    throw new DingtalkCallbackError('BadEnvelope', 'body is not a JSON object');
  }
  const encrypted = (jsonBody as Record<string, unknown>).encrypt;
  if (typeof encrypted !== 'string' || encrypted === '') {
    throw new DingtalkCallbackError('BadEnvelope', 'body without encrypt');
  }
  let plaintext: string;
  try {
    plaintext = cipher.open({ signature, timestamp, nonce, encrypted });
  } catch (error) {
    if (error instanceof CallbackCipherError) {
      const dingtalkCode = error.dingtalkCode();
      throw new DingtalkCallbackError(
        error.code,
        'cipher refused the push',
        dingtalkCode === undefined ? {} : { dingtalkCode },
      );
    }
    throw error;
  }
  let event: unknown;
  try {
    event = JSON.parse(plaintext);
  } catch {
    throw new DingtalkCallbackError('BadEvent', 'decrypted text is not JSON');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new DingtalkCallbackError('BadEvent', 'decrypted JSON is not an object');
  }
  const record = event as Record<string, unknown>;
  const eventType = record.EventType;
  if (typeof eventType !== 'string' || eventType === '' || eventType.length > MAX_PARAM_CHARS) {
    throw new DingtalkCallbackError('BadEvent', 'event without EventType');
  }
  return { eventType, event: record, dedupeKey: callbackDedupeKey(eventType, record, plaintext) };
}

const idPart = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/**
 * The inbox key of an HTTP push, which carries no event id of its own:
 * - `bpms_task_change:{processInstanceId}:{taskId}:{type}` (`staffId` stands in for a missing taskId);
 * - `bpms_instance_change:{processInstanceId}:{type}`;
 * - any other type: `{EventType}:{TimeStamp}` from the event body (the event's own time, unlike the
 *   query `timestamp`, which is new on every push attempt); without one, `{EventType}:#{sha1 of the
 *   plaintext}` so that only byte-identical redeliveries collapse.
 */
export function callbackDedupeKey(
  eventType: string,
  event: Record<string, unknown>,
  plaintext: string,
): string {
  const instance = idPart(event.processInstanceId);
  const type = idPart(event.type);
  if (eventType === 'bpms_task_change' && instance !== '') {
    return `${eventType}:${instance}:${idPart(event.taskId) || idPart(event.staffId)}:${type}`;
  }
  if (eventType === 'bpms_instance_change' && instance !== '') return `${eventType}:${instance}:${type}`;
  const bornAt = idPart(event.TimeStamp) || idPart(event.timeStamp);
  if (bornAt !== '') return `${eventType}:${bornAt}`;
  return `${eventType}:#${createHash('sha1').update(plaintext).digest('hex')}`;
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A 16-character nonce (the Java library requires exactly 16 for encryption, platforms.md §2.8). */
export function callbackNonce(): string {
  return Array.from(randomBytes(16), (byte) => NONCE_ALPHABET[byte % NONCE_ALPHABET.length]).join('');
}

/** The reply every push needs (check_url included): encrypted `"success"`, timestamp in ms. */
export function successReply(cipher: CallbackCipher, nowMs: number): DingtalkCallbackReply {
  const timeStamp = String(Math.floor(nowMs));
  const nonce = callbackNonce();
  const { encrypted, signature } = cipher.seal('success', timeStamp, nonce);
  return { msg_signature: signature, timeStamp, nonce, encrypt: encrypted };
}

/** True when `reply` is a valid encrypted `"success"` for `cipher` (what DingTalk checks, 71009 otherwise). */
export function isSuccessReply(cipher: CallbackCipher, reply: unknown): boolean {
  if (typeof reply !== 'object' || reply === null) return false;
  const r = reply as Record<string, unknown>;
  const { msg_signature: signature, timeStamp, nonce, encrypt } = r;
  if (![signature, timeStamp, nonce, encrypt].every((v) => typeof v === 'string' && v !== '')) return false;
  try {
    return (
      cipher.open({
        signature: signature as string,
        timestamp: timeStamp as string,
        nonce: nonce as string,
        encrypted: encrypt as string,
      }) === 'success'
    );
  } catch {
    return false;
  }
}
