import { timingSafeEqual } from 'node:crypto';
import { CallbackCipher, plainSignature } from '@gcrm/connectors/core';
import { type OpenedPush, openPush, PushCodecError, verifyPushUrl } from '@gcrm/connectors/wechat';
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

const SOURCE = 'wechat';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * WeChat mini-program 消息推送 (platforms.md §1.6): GET answers `echostr` verbatim, POST stores the
 * message (plain, compatible or safe mode; JSON or XML) and answers `success` within 5 s.
 *
 * Every request carries the plain `signature` over (token, timestamp, nonce): it is checked first, so
 * the window and the nonce are checked before any decryption; safe mode then checks `msg_signature`
 * over the ciphertext too.
 */
export function wechatEndpoints(
  settings: { token: string; aesKey?: string },
  appId: string,
  env: CallbackEnv,
): { GET: CallbackEndpoint; POST: CallbackEndpoint } {
  const cipher = settings.aesKey
    ? new CallbackCipher({ token: settings.token, encodingAesKey: settings.aesKey, receiveId: appId })
    : undefined;

  const signed = async (query: URLSearchParams) => {
    const signature = requiredParam(query, 'signature');
    const timestamp = requiredParam(query, 'timestamp');
    const nonce = requiredParam(query, 'nonce');
    if (!sameText(signature, plainSignature(settings.token, timestamp, nonce)))
      throw new CallbackRefusal(403, 'bad-signature');
    await checkReplay(env, SOURCE, timestamp, nonce);
    return nonce;
  };

  return {
    async GET(ctx: Context) {
      const query = queryOf(ctx);
      requiredParam(query, 'echostr');
      const nonce = await signed(query);
      let echostr: string;
      try {
        echostr = verifyPushUrl(query, settings.token);
      } catch {
        throw new CallbackRefusal(403, 'bad-signature');
      }
      await rememberNonce(env, SOURCE, nonce);
      return plain(echostr);
    },

    async POST(ctx: Context) {
      const raw = await readCallbackBody(ctx, env.bodyLimit);
      const query = queryOf(ctx);
      const nonce = await signed(query);
      let opened: OpenedPush;
      try {
        opened = openPush(query, raw, ctx.get('Content-Type') || undefined, {
          token: settings.token,
          ...(cipher ? { cipher } : {}),
        });
      } catch (error) {
        const reason = error instanceof PushCodecError ? error.reason : 'Body';
        throw new CallbackRefusal(reason === 'Signature' ? 403 : 400, `push-${reason.toLowerCase()}`);
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
      return plain('success', id);
    },
  };
}
