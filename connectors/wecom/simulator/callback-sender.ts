import { randomInt } from 'node:crypto';
import { buildXml, CallbackCipher } from '../../core/callback-cipher/index';
import type { SimulatorChaos } from '../../core/simulator/chaos';

/** Where the simulated corp pushes callbacks (the app's 接收消息 settings, path/90930). */
export interface CallbackTarget {
  url: string;
  /** ≤32 letters/digits (platforms.md §3.5). */
  token: string;
  /** 43 letters/digits. */
  encodingAesKey: string;
}

/** One HTTP request the sender made. Bodies and secrets are not recorded. */
export interface CallbackAttempt {
  kind: 'verify' | 'event';
  /** 0 for URL verifications; events count from 1. */
  pushId: number;
  /** 0 = the push itself, 1… = test-only duplicates. */
  delivery: number;
  /** 1 = first try, up to 1 + maxRetries. */
  attempt: number;
  /** HTTP status, or null when nothing came back in time. */
  status: number | null;
  outcome: 'ok' | 'status' | 'timeout' | 'network';
  latencyMs: number;
  /** Simulator clock, ms. */
  at: number;
}

export interface CallbackVerifyResult {
  /** HTTP 200 whose body is exactly the decrypted echostr (no quotes, BOM or newline). */
  ok: boolean;
  status: number | null;
  outcome: CallbackAttempt['outcome'];
  latencyMs: number;
}

export interface CallbackPushResult {
  pushId: number;
  /** One entry per delivery (1 + duplicates). */
  deliveries: { delivery: number; delivered: boolean; attempts: number }[];
}

export interface CallbackPushOptions {
  /** Extra deliveries of the same encrypted message (test-only, to exercise dedupe). */
  duplicate?: number;
  /** Wait before the first delivery, so a later push can overtake this one (test-only). */
  delayMs?: number;
}

export interface CallbackSenderOptions {
  corpId: string;
  agentId: number;
  now: () => number;
  /** An attempt not answered with 200 within this is retried. Default 5000 (platforms.md §3.5). */
  timeoutMs: number;
  /** URL verification deadline. Default 1000 (platforms.md §3.5: answer within 1 s). */
  verifyTimeoutMs: number;
  /** Retries after the first attempt. Default 3 (platforms.md §3.5). */
  maxRetries: number;
  /** Pause between attempts; the real interval is not documented. */
  retryDelayMs: number;
  /** Test-only chaos: pushes without explicit `duplicate`/`delayMs` get its duplicates and holds. */
  chaos?: SimulatorChaos;
}

/** Attempts kept for `GET /__sandbox/callbacks/attempts`; older ones are forgotten. */
const MAX_RECORDED_ATTEMPTS = 2000;
const TOKEN = /^[A-Za-z0-9]{1,32}$/;
const AES_KEY = /^[A-Za-z0-9]{43}$/;

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

/**
 * Pushes encrypted callbacks of the simulated corp to the configured URL as WeCom does: GET URL
 * verification with an encrypted `echostr`, and POST `<xml><ToUserName/><AgentID/><Encrypt/></xml>`
 * with `msg_signature`, `timestamp`, `nonce`, retried up to `maxRetries` times when the receiver does
 * not answer 200 within `timeoutMs`.
 */
export function createCallbackSender(opts: CallbackSenderOptions) {
  let target: { url: URL; cipher: CallbackCipher } | undefined;
  const attempts: CallbackAttempt[] = [];
  const closing = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  let nextPushId = 1;

  function record(attempt: CallbackAttempt): void {
    attempts.push(attempt);
    if (attempts.length > MAX_RECORDED_ATTEMPTS) attempts.splice(0, attempts.length - MAX_RECORDED_ATTEMPTS);
  }

  function sleep(ms: number): Promise<void> {
    if (ms <= 0 || closing.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
      closing.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async function request(
    url: URL,
    init: RequestInit,
    timeoutMs: number,
  ): Promise<Omit<CallbackAttempt, 'kind' | 'pushId' | 'delivery' | 'attempt' | 'at'> & { body: string }> {
    const started = performance.now();
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), closing.signal]);
    try {
      const res = await fetch(url, { ...init, signal, redirect: 'manual' });
      const body = await res.text();
      const latencyMs = Math.round(performance.now() - started);
      return { status: res.status, outcome: res.status === 200 ? 'ok' : 'status', latencyMs, body };
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      return { status: null, outcome: timedOut ? 'timeout' : 'network', latencyMs, body: '' };
    }
  }

  function requireTarget() {
    if (!target) throw new Error('no callback URL configured: POST /__sandbox/callback-url first');
    return target;
  }

  return {
    /** Set the receiver; throws on a bad URL, token or EncodingAESKey. receiveId = corpId. */
    configure(input: CallbackTarget): void {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new Error('url must be an absolute http(s) URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('url must be http(s)');
      if (typeof input.token !== 'string' || !TOKEN.test(input.token)) {
        throw new Error('token must be 1-32 letters or digits');
      }
      if (typeof input.encodingAesKey !== 'string' || !AES_KEY.test(input.encodingAesKey)) {
        throw new Error('encodingAesKey must be 43 letters or digits');
      }
      const cipher = new CallbackCipher({
        token: input.token,
        encodingAesKey: input.encodingAesKey,
        receiveId: opts.corpId,
      });
      target = { url, cipher };
    },

    configured: (): boolean => target !== undefined,

    /** GET URL verification: the receiver must answer the decrypted echostr within `verifyTimeoutMs`. */
    async verify(): Promise<CallbackVerifyResult> {
      const { url, cipher } = requireTarget();
      const plaintext = digits(19);
      const timestamp = String(Math.floor(opts.now() / 1000));
      const nonce = digits(9);
      const sealed = cipher.seal(plaintext, timestamp, nonce);
      const query = new URL(url);
      query.searchParams.set('msg_signature', sealed.signature);
      query.searchParams.set('timestamp', timestamp);
      query.searchParams.set('nonce', nonce);
      query.searchParams.set('echostr', sealed.encrypted);
      const at = opts.now();
      const answer = await request(query, { method: 'GET' }, opts.verifyTimeoutMs);
      record({ kind: 'verify', pushId: 0, delivery: 0, attempt: 1, at, ...withoutBody(answer) });
      return {
        ok: answer.status === 200 && answer.body === plaintext,
        status: answer.status,
        outcome: answer.outcome,
        latencyMs: answer.latencyMs,
      };
    },

    /**
     * Encrypt `fields` as the inner XML (defaults: ToUserName = corpId, AgentID, CreateTime = now) and
     * deliver it, then `duplicate` more times. Resolves when every delivery is done or gave up.
     */
    async push(
      fields: Record<string, string | number>,
      options: CallbackPushOptions = {},
    ): Promise<CallbackPushResult> {
      const { url, cipher } = requireTarget();
      const pushId = nextPushId++;
      const inner = buildXml({
        ToUserName: opts.corpId,
        CreateTime: Math.floor(opts.now() / 1000),
        AgentID: opts.agentId,
        ...fields,
      });
      const encrypted = cipher.encrypt(inner);
      const envelope = buildXml({
        ToUserName: opts.corpId,
        AgentID: String(opts.agentId),
        Encrypt: encrypted,
      });
      const plan = opts.chaos?.planEvent() ?? [0];
      await sleep(options.delayMs ?? plan[0] ?? 0);
      const duplicates = options.duplicate ?? plan.length - 1;
      const deliveries: CallbackPushResult['deliveries'] = [];
      for (let delivery = 0; delivery <= duplicates; delivery++) {
        if (delivery > 0 && options.duplicate === undefined) await sleep(plan[delivery] ?? 0);
        const timestamp = String(Math.floor(opts.now() / 1000));
        const nonce = digits(10);
        const signed = new URL(url);
        signed.searchParams.set('msg_signature', cipher.signature(timestamp, nonce, encrypted));
        signed.searchParams.set('timestamp', timestamp);
        signed.searchParams.set('nonce', nonce);
        let delivered = false;
        let attempt = 0;
        while (!delivered && attempt <= opts.maxRetries && !closing.signal.aborted) {
          if (attempt > 0) await sleep(opts.retryDelayMs);
          attempt++;
          const at = opts.now();
          const answer = await request(
            signed,
            { method: 'POST', body: envelope, headers: { 'content-type': 'text/xml; charset=utf-8' } },
            opts.timeoutMs,
          );
          record({ kind: 'event', pushId, delivery, attempt, at, ...withoutBody(answer) });
          delivered = answer.outcome === 'ok';
        }
        deliveries.push({ delivery, delivered, attempts: attempt });
      }
      return { pushId, deliveries };
    },

    /** Recorded attempts, oldest first (optionally one push's). */
    attempts(pushId?: number): CallbackAttempt[] {
      return attempts.filter((a) => pushId === undefined || a.pushId === pushId).map((a) => ({ ...a }));
    },

    clearAttempts(): void {
      attempts.length = 0;
    },

    /** Abort requests in flight and pending delays. */
    close(): void {
      closing.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function withoutBody<T extends { body: string }>(answer: T): Omit<T, 'body'> {
  const { body: _body, ...rest } = answer;
  return rest;
}

export type CallbackSender = ReturnType<typeof createCallbackSender>;
