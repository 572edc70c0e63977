/**
 * WeChat mini-program server API connector (platforms.md §1).
 *
 * - {@link createWechatClient}: `code2Session`, a cached stable access token with refetch-once on
 *   40001/42001/40014, `getCallbackIp`, `sendSubscribeMessage` and `getPhoneNumber`. Errors are
 *   {@link WechatApiError} (HTTP 200 with a non-zero errcode; {@link SubscribeMessageError} and
 *   {@link PhoneNumberError} carry a `kind` for their callers) or {@link WechatTransportError}
 *   (network, timeout, non-200).
 * - Message push codec (pure functions for the gateway): {@link verifyPushUrl}, {@link openPush}
 *   (plain / compatible / safe, JSON / XML, dedupe key) and {@link parseSubscribeEvent}.
 * - {@link createWechatSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*`
 *   endpoints that do not exist on the real platform.
 *
 * @packageDocumentation
 */
export { createMemoryTokenCache, createWechatClient, type WechatClient } from './client';
export {
  type OpenedPush,
  type OpenPushOptions,
  openPush,
  type PushQuery,
  pushDedupeKey,
  verifyPushUrl,
} from './codec/push-codec';
export { PushCodecError } from './codec/push-codec-error';
export {
  parseSubscribeEvent,
  type SubscribeEvent,
  type SubscribeEventEntry,
  type SubscribeEventKind,
} from './codec/subscribe-events';
export { WechatApiError, WechatTransportError } from './errors';
export type { WechatSession } from './operations/code2session';
export { PHONE_NUMBER_PATH, type WechatPhoneNumber } from './operations/get-phone-number';
export type { SubscribeMessage, SubscribeMessageSent } from './operations/send-subscribe-message';
export {
  PhoneNumberError,
  type PhoneNumberFailureKind,
  phoneNumberFailureKind,
} from './phone-number-error';
export type { SimulatorFault } from './simulator/faults';
export type { PhoneExchange } from './simulator/phone';
export type { PushAttempt, PushConfig, PushResult } from './simulator/push-sender';
export type { SimulatorStats } from './simulator/server';
export {
  createWechatSimulator,
  type WechatSimulator,
  type WechatSimulatorOptions,
} from './simulator/simulator';
export type { AccessTokenCheck } from './simulator/state';
export {
  DEFAULT_PAGES,
  DEFAULT_SUBSCRIBE_TEMPLATES,
  type DeliveredSubscribeMessage,
  type SubscribeTemplate,
} from './simulator/subscribe';
export {
  invalidKeyFromErrmsg,
  type SubscribeFailureKind,
  SubscribeMessageError,
  subscribeFailureKind,
} from './subscribe-error';
export {
  type AccessTokenProvider,
  accessTokenCacheKey,
  TOKEN_REFRESH_MARGIN_SECONDS,
  type TokenCache,
} from './transport/access-token';
export { DEFAULT_TIMEOUT_MS, type WechatConfig } from './wechat-config';
