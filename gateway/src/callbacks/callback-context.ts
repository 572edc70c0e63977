import type { Context } from 'koa';
import { CallbackRefusal } from './callback-http';
import type { InboxService } from './inbox.service';
import type { InboxInput } from './inbox.types';
import type { ReplayGuard } from './replay-guard';

/** What every platform's callback endpoint shares. */
export interface CallbackEnv {
  inbox: InboxService;
  guard: ReplayGuard;
  now: () => number;
  bodyLimit: number;
}

/** An endpoint's answer; `process` names the inbox row to run once the answer is sent. */
export interface CallbackAnswer {
  status: number;
  type: string;
  body: string;
  process?: string;
}

export type CallbackEndpoint = (ctx: Context) => Promise<CallbackAnswer>;

/** Window, then nonce: both after the signature, before decryption. */
export async function checkReplay(env: CallbackEnv, source: string, timestamp: string, nonce: string) {
  if (!env.guard.fresh(timestamp)) throw new CallbackRefusal(403, 'stale-timestamp');
  let seen: boolean;
  try {
    seen = await env.guard.seen(source, nonce);
  } catch {
    // Without the nonce store a replay cannot be ruled out: ask the platform to come back.
    throw new CallbackRefusal(503, 'nonce-store-unavailable');
  }
  if (seen) throw new CallbackRefusal(403, 'replayed-nonce');
}

/**
 * Stores the event (a database failure → 503 so that the platform redelivers) and remembers the
 * nonce once it is durable. Returns the row id to run, unless it is a redelivery or has no handler.
 */
export async function storeEvent(
  env: CallbackEnv,
  input: InboxInput,
  nonce: string,
): Promise<string | undefined> {
  let received: Awaited<ReturnType<InboxService['receive']>>;
  try {
    received = await env.inbox.receive(input);
  } catch {
    throw new CallbackRefusal(503, 'inbox-unavailable');
  }
  await rememberNonce(env, input.source, nonce);
  return !received.duplicate && received.status === 'pending' ? received.id : undefined;
}

/** A cache outage after the commit must not turn a stored event into a refusal. */
export async function rememberNonce(env: CallbackEnv, source: string, nonce: string): Promise<void> {
  await env.guard.remember(source, nonce).catch(() => undefined);
}

export const plain = (body: string, process?: string): CallbackAnswer => ({
  status: 200,
  type: 'text/plain; charset=utf-8',
  body,
  ...(process ? { process } : {}),
});

/** The event type of a WeChat/WeCom message: `Event` for events, `MsgType` otherwise. */
export function tencentEventType(event: Record<string, unknown>): string {
  const msgType = typeof event.MsgType === 'string' ? event.MsgType : '';
  const name = typeof event.Event === 'string' ? event.Event : '';
  return (msgType === 'event' && name !== '' ? name : msgType) || 'unknown';
}
