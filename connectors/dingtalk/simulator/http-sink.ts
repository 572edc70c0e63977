import { CallbackCipher } from '../../core/callback-cipher/index';
import { callbackNonce, isSuccessReply } from '../codec/callback';
import type { DingtalkEventSink, DingtalkSimulatorEvent } from './events';

/** An HTTP event subscription as `POST /__sandbox/callback-url` registers it (platforms.md §2.8). */
export interface HttpCallbackSubscription {
  url: string;
  token: string;
  /** EncodingAESKey, 43 characters. */
  aesKey: string;
  /** receiveId of the cipher: the AppKey for console-configured internal apps. */
  ownerKey: string;
}

export interface HttpCallbackSinkOptions {
  subscription: HttpCallbackSubscription;
  /** Simulator clock (ms): push timestamps. */
  now: () => number;
  /** How long DingTalk waits for the reply. Default 1500 ms. */
  replyTimeoutMs?: number;
  /** Waits before the 2nd, 3rd, … attempt of a push that failed. Default 1 s, 5 s, 30 s [sim]. */
  retryDelaysMs?: number[];
}

/** One push attempt, as recorded for tests. */
export interface HttpCallbackAttempt {
  eventType: string;
  eventId: string;
  attempt: number;
  ok: boolean;
  /** Why it failed: `timeout`, `network error`, `HTTP 500`, `reply is not an encrypted success`. */
  reason?: string;
}

/** The outcome of the `check_url` handshake. */
export type CheckUrlResult = { ok: true } | { ok: false; errcode: 71009; errmsg: string; reason: string };

export interface HttpCallbackSink extends DingtalkEventSink {
  /** Send `{"EventType":"check_url"}` once and check the reply, as saving the URL in the console does. */
  checkUrl(): Promise<CheckUrlResult>;
  attempts(): HttpCallbackAttempt[];
  /** Pushes not yet answered with an encrypted success and still to be retried. */
  pending(): number;
  /** Cancel pending retries and requests. */
  close(): void;
}

export const DEFAULT_CALLBACK_RETRY_DELAYS_MS = [1000, 5000, 30_000];

/** Throws when the subscription is unusable (bad URL, bad aesKey) with a message that names no secret. */
export function createHttpCallbackSink(options: HttpCallbackSinkOptions): HttpCallbackSink {
  const { subscription } = options;
  const url = new URL(subscription.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('url must be http(s)');
  const cipher = new CallbackCipher({
    token: subscription.token,
    encodingAesKey: subscription.aesKey,
    receiveId: subscription.ownerKey,
  });
  const replyTimeoutMs = options.replyTimeoutMs ?? 1500;
  const delays = options.retryDelaysMs ?? DEFAULT_CALLBACK_RETRY_DELAYS_MS;
  const log: HttpCallbackAttempt[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const controllers = new Set<AbortController>();
  let waiting = 0;
  let closed = false;

  /** One POST; resolves to undefined on an encrypted success, else the reason. */
  async function push(plain: Record<string, unknown>): Promise<string | undefined> {
    const timestamp = String(options.now());
    const nonce = callbackNonce();
    const { encrypted, signature } = cipher.seal(JSON.stringify(plain), timestamp, nonce);
    const target = new URL(url);
    target.searchParams.set('msg_signature', signature);
    target.searchParams.set('timestamp', timestamp);
    target.searchParams.set('nonce', nonce);
    const controller = new AbortController();
    controllers.add(controller);
    const timer = setTimeout(() => controller.abort(), replyTimeoutMs);
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ encrypt: encrypted }),
        signal: controller.signal,
      });
      const text = await response.text();
      if (response.status !== 200) return `HTTP ${response.status}`;
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        reply = null;
      }
      return isSuccessReply(cipher, reply) ? undefined : 'reply is not an encrypted success';
    } catch {
      return controller.signal.aborted ? 'timeout' : 'network error';
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
  }

  async function deliver(event: DingtalkSimulatorEvent, attempt: number): Promise<void> {
    if (closed) return;
    const reason = await push({ EventType: event.eventType, ...event.data });
    const entry: HttpCallbackAttempt = {
      eventType: event.eventType,
      eventId: event.eventId,
      attempt,
      ok: !reason,
    };
    if (reason) entry.reason = reason;
    log.push(entry);
    const delay = delays[attempt - 1];
    if (!reason || delay === undefined || closed) {
      waiting -= 1;
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(event, attempt + 1);
    }, delay);
    timers.add(timer);
  }

  return {
    publish(event) {
      if (closed) return;
      waiting += 1;
      void deliver(event, 1);
    },
    async checkUrl() {
      const reason = await push({ EventType: 'check_url' });
      if (reason === undefined) return { ok: true };
      return { ok: false, errcode: 71009, errmsg: '返回文本非success', reason };
    },
    attempts: () => log.map((entry) => ({ ...entry })),
    pending: () => waiting,
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const controller of controllers) controller.abort();
      waiting = 0;
    },
  };
}
