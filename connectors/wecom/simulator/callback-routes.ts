import { randomInt } from 'node:crypto';
import type { CallbackPushOptions } from './callback-sender';

const OPTION_KEYS = new Set(['duplicate', 'delayMs', 'wait']);
const MAX_DUPLICATES = 10;
const MAX_DELAY_MS = 60_000;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A parsed `POST /__sandbox/events` body. */
export interface PushRequest {
  fields: Record<string, string | number>;
  options: CallbackPushOptions;
  /** false: answer `{queued: true}` at once instead of waiting for the deliveries. */
  wait: boolean;
}

/**
 * `POST /__sandbox/events` body: the inner XML fields flat (`FromUserName`, `MsgType`, `Event`,
 * `TaskId`, `EventKey`, `Content`, …) plus the test-only options `duplicate` (0–10), `delayMs`
 * (0–60000) and `wait` (default true). `MsgType` defaults to `event` when `Event` is given; a `text`
 * (or other non-event) message without `MsgId` gets a random one. Throws an Error with the reason.
 */
export function parsePushBody(body: Record<string, unknown>): PushRequest {
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (OPTION_KEYS.has(key)) continue;
    if (!FIELD_NAME.test(key)) throw new Error(`bad field name ${JSON.stringify(key).slice(0, 70)}`);
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
      fields[key] = value;
    else throw new Error(`${key} must be a string or a number`);
  }
  if (fields.MsgType === undefined && fields.Event !== undefined) fields.MsgType = 'event';
  if (typeof fields.MsgType !== 'string' || fields.MsgType === '')
    throw new Error('MsgType or Event is required');
  if (typeof fields.FromUserName !== 'string' || fields.FromUserName === '') {
    throw new Error('FromUserName is required');
  }
  if (fields.MsgType !== 'event' && fields.MsgId === undefined) {
    fields.MsgId = `${randomInt(1, 10)}${Array.from({ length: 18 }, () => randomInt(10)).join('')}`;
  }
  const options: CallbackPushOptions = {};
  if (body.duplicate !== undefined) {
    const n = body.duplicate;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_DUPLICATES) {
      throw new Error(`duplicate must be an integer 0-${MAX_DUPLICATES}`);
    }
    options.duplicate = n;
  }
  if (body.delayMs !== undefined) {
    const ms = body.delayMs;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) {
      throw new Error(`delayMs must be an integer 0-${MAX_DELAY_MS}`);
    }
    options.delayMs = ms;
  }
  if (body.wait !== undefined && typeof body.wait !== 'boolean') throw new Error('wait must be a boolean');
  return { fields, options, wait: body.wait !== false };
}
