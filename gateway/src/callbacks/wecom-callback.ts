import { CallbackCipher, CallbackCipherError, parseSafeXml } from '@gcrm/connectors/core';
import { openCallback, verifyUrl } from '@gcrm/connectors/wecom';
import type { Context } from 'koa';
import {
  type CallbackEndpoint,
  type CallbackEnv,
  checkReplay,
  plain,
  rememberNonce,
  storeEvent,
  tencentEventType,
} from './callback-context';
import { CallbackRefusal, queryOf, readCallbackBody, requiredParam } from './callback-http';

const SOURCE = 'wecom';

/**
 * WeCom 接收消息与事件 (platforms.md §3.5): GET URL verification answers the decrypted echostr
 * (within 1 s), POST stores the decrypted event and answers an empty 200 (within 5 s).
 */
export function wecomEndpoints(
  settings: { token: string; aesKey: string },
  corpId: string,
  env: CallbackEnv,
): { GET: CallbackEndpoint; POST: CallbackEndpoint } {
  const cipher = new CallbackCipher({
    token: settings.token,
    encodingAesKey: settings.aesKey,
    receiveId: corpId,
  });

  const signed = (query: URLSearchParams, encrypted: string) => {
    const signature = requiredParam(query, 'msg_signature');
    const timestamp = requiredParam(query, 'timestamp');
    const nonce = requiredParam(query, 'nonce');
    if (!cipher.verify(signature, timestamp, nonce, encrypted))
      throw new CallbackRefusal(403, 'bad-signature');
    return { timestamp, nonce };
  };

  return {
    async GET(ctx: Context) {
      const query = queryOf(ctx);
      // A '+' that was not percent-encoded arrives as a space; base64 never holds spaces.
      const echostr = requiredParam(query, 'echostr').replaceAll(' ', '+');
      const { timestamp, nonce } = signed(query, echostr);
      await checkReplay(env, SOURCE, timestamp, nonce);
      let plaintext: string;
      try {
        plaintext = verifyUrl(query, cipher);
      } catch {
        throw new CallbackRefusal(400, 'undecryptable');
      }
      await rememberNonce(env, SOURCE, nonce);
      return plain(plaintext);
    },

    async POST(ctx: Context) {
      const text = (await readCallbackBody(ctx, env.bodyLimit)).toString('utf8');
      let encrypted: unknown;
      try {
        encrypted = parseSafeXml(text).Encrypt;
      } catch {
        throw new CallbackRefusal(400, 'bad-envelope');
      }
      if (typeof encrypted !== 'string' || encrypted === '') throw new CallbackRefusal(400, 'no-encrypt');
      const query = queryOf(ctx);
      const { timestamp, nonce } = signed(query, encrypted);
      await checkReplay(env, SOURCE, timestamp, nonce);
      let opened: ReturnType<typeof openCallback>;
      try {
        opened = openCallback(query, text, cipher);
      } catch (error) {
        throw new CallbackRefusal(400, error instanceof CallbackCipherError ? error.code : 'undecryptable');
      }
      const id = await storeEvent(
        env,
        {
          source: SOURCE,
          eventType: tencentEventType(opened.event),
          dedupeKey: opened.dedupeKey,
          payload: opened.event,
        },
        nonce,
      );
      return plain('', id);
    },
  };
}
