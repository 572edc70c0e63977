/**
 * WeChat mini-program server API connector (platforms.md §1).
 *
 * - {@link createWechatClient}: `code2Session`, a cached stable access token with refetch-once on
 *   40001/42001/40014, and `getCallbackIp`. Errors are {@link WechatApiError} (HTTP 200 with a
 *   non-zero errcode) or {@link WechatTransportError} (network, timeout, non-200).
 * - {@link createWechatSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*`
 *   endpoints that do not exist on the real platform.
 *
 * @packageDocumentation
 */
export { createMemoryTokenCache, createWechatClient, type WechatClient } from './client';
export { WechatApiError, WechatTransportError } from './errors';
export type { WechatSession } from './operations/code2session';
export type { SimulatorFault } from './simulator/faults';
export type { SimulatorStats } from './simulator/server';
export {
  createWechatSimulator,
  type WechatSimulator,
  type WechatSimulatorOptions,
} from './simulator/simulator';
export type { AccessTokenCheck } from './simulator/state';
export {
  type AccessTokenProvider,
  accessTokenCacheKey,
  TOKEN_REFRESH_MARGIN_SECONDS,
  type TokenCache,
} from './transport/access-token';
export { DEFAULT_TIMEOUT_MS, type WechatConfig } from './wechat-config';
