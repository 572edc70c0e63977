import { CallbackCipher } from '@gcrm/connectors/core';
import { type DingtalkCallback, openDingtalkCallback, successReply } from '@gcrm/connectors/dingtalk';
import type { Context } from 'koa';
import {
  type CallbackAnswer,
  type CallbackEndpoint,
  type CallbackEnv,
  checkReplay,
  rememberNonce,
  storeEvent,
} from './callback-context';
import { CallbackRefusal, queryOf, readCallbackBody, requiredParam } from './callback-http';

const SOURCE = 'dingtalk';

/**
 * DingTalk HTTP event push (platforms.md §2.8): every push, `check_url` included, is answered with the
 * encrypted `success` JSON within 1500 ms; `check_url` is not stored.
 */
export function dingtalkEndpoint(
  settings: { token: string; aesKey: string },
  appKey: string,
  env: CallbackEnv,
): CallbackEndpoint {
  const cipher = new CallbackCipher({
    token: settings.token,
    encodingAesKey: settings.aesKey,
    receiveId: appKey,
  });
  const reply = (process?: string): CallbackAnswer => ({
    status: 200,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(successReply(cipher, env.now())),
    ...(process ? { process } : {}),
  });

  return async function dingtalkPush(ctx: Context) {
    const raw = await readCallbackBody(ctx, env.bodyLimit);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new CallbackRefusal(400, 'bad-json');
    }
    const encrypted = (body as { encrypt?: unknown } | null)?.encrypt;
    if (typeof encrypted !== 'string' || encrypted === '') throw new CallbackRefusal(400, 'no-encrypt');
    const query = queryOf(ctx);
    const signature = requiredParam(query, 'msg_signature', 'signature');
    const timestamp = requiredParam(query, 'timestamp', 'timeStamp');
    const nonce = requiredParam(query, 'nonce');
    if (!cipher.verify(signature, timestamp, nonce, encrypted))
      throw new CallbackRefusal(403, 'bad-signature');
    await checkReplay(env, SOURCE, timestamp, nonce);
    let opened: DingtalkCallback;
    try {
      opened = openDingtalkCallback(query, body, cipher);
    } catch (error) {
      throw new CallbackRefusal(400, (error as { code?: string }).code ?? 'undecryptable');
    }
    if (opened.eventType === 'check_url') {
      await rememberNonce(env, SOURCE, nonce);
      return reply();
    }
    const id = await storeEvent(
      env,
      { source: SOURCE, eventType: opened.eventType, dedupeKey: opened.dedupeKey, payload: opened.event },
      nonce,
    );
    return reply(id);
  };
}
