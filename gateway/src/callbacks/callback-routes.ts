import type { CallbacksConfig } from '@gcrm/config/callbacks';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Cache } from '../platform/cache/cache';
import { describeUnexpected } from '../platform/logger';
import type { CallbackAnswer, CallbackEndpoint, CallbackEnv } from './callback-context';
import { answerText, CallbackRefusal, REFUSAL_TEXT } from './callback-http';
import { dingtalkEndpoint } from './dingtalk-callback';
import type { InboxService } from './inbox.service';
import { oaEndpoint } from './oa-callback';
import { ReplayGuard } from './replay-guard';
import { wechatEndpoints } from './wechat-callback';
import { wecomEndpoints } from './wecom-callback';

/** Everything the callback routes need; the lead builds it from the gateway config and ports. */
export interface CallbackRoutesDeps {
  config: CallbacksConfig;
  inbox: InboxService;
  /** Nonce memory (Redis when several instances run). */
  cache: Cache;
  log: Logger;
  /** Each platform's receiveId: DingTalk AppKey, WeCom CorpId, WeChat mini-program AppID. */
  receiveIds: { dingtalk?: string; wecom?: string; wechat?: string };
  /** The shared secret of a generic-protocol OA by system name (`generic:hr`); none: no OA route. */
  oaSecret?: (system: string) => string | undefined;
  now?: () => number;
}

/** The path prefix the routes own; it sits outside `/api/v1` (platforms are configured with it). */
export const CALLBACKS_PREFIX = '/callbacks';

type Method = 'GET' | 'POST';

/**
 * The inbound callback routes as one Koa middleware, mounted **before** the JSON API router and its
 * body parser, because callbacks need their raw bodies and answer plain text (or the platform's own
 * JSON), never problem+json:
 *
 * - `GET|POST /callbacks/wecom`, `POST /callbacks/dingtalk`, `GET|POST /callbacks/wechat`,
 *   `POST /callbacks/oa/:system`. A platform without settings has no route (404).
 * - Signature first, then the timestamp window and the nonce, then decryption; any refusal is a plain
 *   400/401/403 (413 for an oversize body, 405 for another method, 503 when the inbox cannot store),
 *   logged with a fixed reason code and without the body.
 * - The answer is sent as soon as the event is committed to the inbox; the handler runs right after
 *   the answer has been written (and later through the {@link InboxWorker} when it fails).
 *
 * Requests outside `/callbacks` go to `next`.
 *
 * @example
 * app.use(callbackRoutes({ config: callbacks, inbox, cache: infra.cache, log, receiveIds: {…} }));
 * app.use(router.routes());
 */
export function callbackRoutes(deps: CallbackRoutesDeps): Middleware {
  const now = deps.now ?? Date.now;
  const env: CallbackEnv = {
    inbox: deps.inbox,
    guard: new ReplayGuard(deps.cache, deps.config.maxSkewSeconds, now),
    now,
    bodyLimit: deps.config.bodyLimitBytes,
  };
  const routes = new Map<string, Partial<Record<Method, CallbackEndpoint>>>();
  const { wecom, wechat, dingtalk } = deps.config;
  if (wecom && deps.receiveIds.wecom) routes.set('wecom', wecomEndpoints(wecom, deps.receiveIds.wecom, env));
  if (wechat && deps.receiveIds.wechat)
    routes.set('wechat', wechatEndpoints(wechat, deps.receiveIds.wechat, env));
  if (dingtalk.mode === 'http' && dingtalk.http && deps.receiveIds.dingtalk) {
    routes.set('dingtalk', { POST: dingtalkEndpoint(dingtalk.http, deps.receiveIds.dingtalk, env) });
  }
  const oa = deps.oaSecret ? oaEndpoint(deps.oaSecret, env, deps.config.maxSkewSeconds) : undefined;

  function endpointOf(path: string): { source: string; methods: Partial<Record<Method, CallbackEndpoint>> } {
    const rest = path.slice(CALLBACKS_PREFIX.length + 1);
    if (rest.startsWith('oa/') && oa) {
      const system = decodeSegment(rest.slice(3));
      return { source: 'oa', methods: { POST: (ctx) => oa(ctx, system) } };
    }
    const methods = routes.get(rest);
    if (!methods) throw new CallbackRefusal(404, 'no-route');
    return { source: rest, methods };
  }

  return async function callbackRoutesMiddleware(ctx: Context, next) {
    if (ctx.path !== CALLBACKS_PREFIX && !ctx.path.startsWith(`${CALLBACKS_PREFIX}/`)) return next();
    const started = performance.now();
    let source = 'unknown';
    let answer: CallbackAnswer;
    try {
      const endpoint = endpointOf(ctx.path);
      source = endpoint.source;
      const run = endpoint.methods[ctx.method as Method];
      if (!run) {
        const allow = Object.keys(endpoint.methods).join(', ');
        throw new CallbackRefusal(405, 'method-not-allowed', { Allow: allow });
      }
      answer = await run(ctx);
    } catch (error) {
      const refusal = error instanceof CallbackRefusal ? error : new CallbackRefusal(400, 'unexpected', {});
      if (!(error instanceof CallbackRefusal)) {
        deps.log.error({ source, err: describeUnexpected(error) }, 'callback: unexpected failure');
      } else if (refusal.status !== 404) {
        deps.log.warn(
          {
            source,
            status: refusal.status,
            reason: refusal.reason,
            ms: Math.round(performance.now() - started),
          },
          'callback refused',
        );
      }
      for (const [name, value] of Object.entries(refusal.headers)) ctx.set(name, value);
      // Unread bodies of refused requests must not keep the socket busy.
      if (refusal.status === 413) ctx.set('Connection', 'close');
      answerText(ctx, refusal.status, REFUSAL_TEXT[refusal.status]);
      return;
    }
    ctx.status = answer.status;
    ctx.type = answer.type;
    ctx.body = answer.body;
    if (answer.process) afterAnswer(ctx, () => deps.inbox.processSoon(answer.process!));
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

/** Runs `work` once the answer has been written (or the client went away). */
function afterAnswer(ctx: Context, work: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    work();
  };
  ctx.res.once('finish', once);
  ctx.res.once('close', once);
}
