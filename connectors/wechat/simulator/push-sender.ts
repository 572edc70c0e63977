import { randomInt } from 'node:crypto';
import { CallbackCipher, CallbackCipherError, plainSignature } from '../../core/callback-cipher';
import type { SimulatorChaos } from '../../core/simulator/chaos';
import { BadRequest } from '../../core/simulator/sandbox';
import { subscribeEventContainer } from '../codec/subscribe-events';
import { pushXml } from './push-xml';

/** Where and how the simulator pushes messages (the console's 消息推送 settings, platforms.md §1.6). */
export interface PushConfig {
  url: string;
  token: string;
  encodingAesKey?: string;
  mode: 'plain' | 'compatible' | 'safe';
  format: 'json' | 'xml';
  /** Answer deadline per attempt. Default 5000 ms (WeChat's 5 s). */
  timeoutMs: number;
  /** Retries after a failed attempt. Default 3. */
  maxRetries: number;
}

/** One HTTP attempt of a push, as recorded by the simulator. */
export interface PushAttempt {
  pushId: number;
  attempt: number;
  /** A deliberate re-send of an already acknowledged push (`_duplicates`). */
  duplicate: boolean;
  outcome: 'success' | 'timeout' | 'network-error' | 'bad-answer';
  status?: number;
  durationMs: number;
}

export interface PushResult {
  pushId: number;
  delivered: boolean;
  attempts: PushAttempt[];
}

const TOKEN = /^[A-Za-z0-9]{3,32}$/;
const MAX_ATTEMPT_RECORDS = 1000;

function parseConfig(input: unknown): PushConfig {
  const raw = (input ?? {}) as Record<string, unknown>;
  const { url, token, encodingAesKey, mode, format } = raw;
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url))
    throw new BadRequest('url must be http(s)');
  if (typeof token !== 'string' || !TOKEN.test(token))
    throw new BadRequest('token must be 3-32 letters/digits');
  if (mode !== 'plain' && mode !== 'compatible' && mode !== 'safe') {
    throw new BadRequest('mode must be plain, compatible or safe');
  }
  if (format !== 'json' && format !== 'xml') throw new BadRequest('format must be json or xml');
  if (
    mode !== 'plain' &&
    (typeof encodingAesKey !== 'string' || !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey))
  ) {
    throw new BadRequest('encodingAesKey must be 43 characters in compatible and safe mode');
  }
  const timeoutMs = raw.timeoutMs ?? 5000;
  if (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) < 10 || (timeoutMs as number) > 5000) {
    throw new BadRequest('timeoutMs must be an integer 10..5000');
  }
  const maxRetries = raw.maxRetries ?? 3;
  if (!Number.isSafeInteger(maxRetries) || (maxRetries as number) < 0 || (maxRetries as number) > 3) {
    throw new BadRequest('maxRetries must be an integer 0..3');
  }
  const config: PushConfig = {
    url,
    token,
    mode,
    format,
    timeoutMs: timeoutMs as number,
    maxRetries: maxRetries as number,
  };
  if (typeof encodingAesKey === 'string') config.encodingAesKey = encodingAesKey;
  return config;
}

/** A signed (and in safe/compatible mode encrypted) request, identical across retries. */
interface PreparedPush {
  url: string;
  contentType: string;
  body: string;
}

/**
 * The simulator's 消息推送 sender: `POST /__sandbox/push-config` sets URL, token, key, mode and format;
 * `POST /__sandbox/push {…event fields, _duplicates?}` sends one message, retrying up to
 * `maxRetries` times when no HTTP 200 with an empty or `success` body arrives within `timeoutMs`.
 */
export function createPushSender(opts: {
  appId: string;
  toUserName: string;
  now: () => number;
  /** Test-only chaos: pushes without `_duplicates` get its duplicates; every push its hold. */
  chaos?: SimulatorChaos;
}) {
  let config: PushConfig | null = null;
  let cipher: CallbackCipher | null = null;
  const recorded: PushAttempt[] = [];
  let nextPushId = 0;

  function configure(input: unknown) {
    const parsed = parseConfig(input);
    try {
      cipher = parsed.encodingAesKey
        ? new CallbackCipher({
            token: parsed.token,
            encodingAesKey: parsed.encodingAesKey,
            receiveId: opts.appId,
          })
        : null;
    } catch (error) {
      if (error instanceof CallbackCipherError) throw new BadRequest('encodingAesKey is not a valid key');
      throw error;
    }
    config = parsed;
    return { ok: true, mode: parsed.mode, format: parsed.format };
  }

  function fieldsOf(input: unknown): { fields: Record<string, unknown>; duplicates: number } {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new BadRequest('body must be an object of event fields');
    }
    const fields: Record<string, unknown> = {};
    let duplicates = 0;
    for (const [key, value] of Object.entries(input)) {
      if (key === '_duplicates') {
        if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > 5) {
          throw new BadRequest('_duplicates must be an integer 0..5');
        }
        duplicates = value as number;
      } else {
        fields[key] = value;
      }
    }
    if (typeof fields.FromUserName !== 'string' || fields.FromUserName === '') {
      throw new BadRequest('FromUserName (openid) is required');
    }
    fields.ToUserName ??= opts.toUserName;
    fields.CreateTime ??= Math.floor(opts.now() / 1000);
    if (fields.Event !== undefined) fields.MsgType ??= 'event';
    return { fields, duplicates };
  }

  function serialise(fields: Record<string, unknown>, format: PushConfig['format']): string {
    if (format === 'json') return JSON.stringify(fields);
    // XML pushes wrap subscribe events' List entries in their container element.
    const container = typeof fields.Event === 'string' ? subscribeEventContainer(fields.Event) : undefined;
    const shaped = { ...fields };
    if (container && shaped.List !== undefined) {
      shaped[container] = { List: shaped.List };
      delete shaped.List;
    }
    try {
      return pushXml(shaped);
    } catch {
      throw new BadRequest('field names must be XML names in xml format');
    }
  }

  function prepare(active: PushConfig, fields: Record<string, unknown>): PreparedPush {
    const timestamp = String(Math.floor(opts.now() / 1000));
    const nonce = String(randomInt(100_000_000, 999_999_999));
    const query = new URLSearchParams({
      signature: plainSignature(active.token, timestamp, nonce),
      timestamp,
      nonce,
      openid: fields.FromUserName as string,
    });
    const plaintext = serialise(fields, active.format);
    let body = plaintext;
    if (active.mode !== 'plain' && cipher) {
      const { encrypted, signature } = cipher.seal(plaintext, timestamp, nonce);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', signature);
      const envelope: Record<string, unknown> =
        active.mode === 'compatible'
          ? { ...fields, Encrypt: encrypted }
          : { ToUserName: fields.ToUserName, Encrypt: encrypted };
      body = active.format === 'json' ? JSON.stringify(envelope) : serialise(envelope, 'xml');
    }
    const url = new URL(active.url);
    for (const [key, value] of query) url.searchParams.set(key, value);
    const contentType = active.format === 'json' ? 'application/json' : 'text/xml';
    return { url: url.toString(), contentType, body };
  }

  async function attempt(
    prepared: PreparedPush,
    timeoutMs: number,
  ): Promise<Omit<PushAttempt, 'pushId' | 'attempt' | 'duplicate'>> {
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(prepared.url, {
        method: 'POST',
        headers: { 'content-type': prepared.contentType },
        body: prepared.body,
        signal: controller.signal,
      });
      const text = (await response.text()).trim();
      const ok = response.status === 200 && (text === '' || text === 'success');
      return {
        outcome: ok ? 'success' : 'bad-answer',
        status: response.status,
        durationMs: Date.now() - started,
      };
    } catch {
      const outcome = controller.signal.aborted ? 'timeout' : 'network-error';
      return { outcome, durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  function record(entry: PushAttempt): PushAttempt {
    recorded.push(entry);
    if (recorded.length > MAX_ATTEMPT_RECORDS) recorded.shift();
    return entry;
  }

  async function push(input: unknown): Promise<PushResult> {
    const active = config;
    if (!active) throw new BadRequest('POST /__sandbox/push-config first');
    const parsed = fieldsOf(input);
    const { fields } = parsed;
    const plan = opts.chaos?.planEvent() ?? [0];
    const explicit = typeof input === 'object' && input !== null && '_duplicates' in input;
    const duplicates = explicit ? parsed.duplicates : plan.length - 1;
    const hold = plan[0] ?? 0;
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    const prepared = prepare(active, fields);
    nextPushId += 1;
    const pushId = nextPushId;
    const attempts: PushAttempt[] = [];
    let delivered = false;
    for (let n = 1; n <= active.maxRetries + 1 && !delivered; n += 1) {
      const result = await attempt(prepared, active.timeoutMs);
      attempts.push(record({ pushId, attempt: n, duplicate: false, ...result }));
      delivered = result.outcome === 'success';
    }
    for (let n = 1; n <= duplicates; n += 1) {
      const result = await attempt(prepared, active.timeoutMs);
      attempts.push(record({ pushId, attempt: attempts.length + 1, duplicate: true, ...result }));
    }
    return { pushId, delivered, attempts };
  }

  return { configure, push, attempts: () => recorded.map((entry) => ({ ...entry })) };
}

export type PushSender = ReturnType<typeof createPushSender>;
