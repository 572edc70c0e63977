/**
 * WeCom (企业微信) identity and org connector (platforms.md §3).
 *
 * - {@link createWecomClient}: a cached access token (single-flight, refreshed 300 s early, refetched
 *   once on 40014/42001), OAuth2 identity (`getUserIdentityByCode`: member userid or non-member openid),
 *   member detail and the org (departments with `department_leader`, members with `is_leader_in_dept`,
 *   cursor-paged `user/list_id`). Errors are {@link WecomApiError} (HTTP 200 with a non-zero errcode;
 *   45009/45033 flagged `throttled`) or {@link WecomTransportError}.
 *   `sendMessage` (app messages: text, textcard, news, markdown; partial failure listed in the result,
 *   all recipients invalid → {@link WecomRecipientsError}; every {@link WecomApiError} has a `kind`).
 * - Callback codec for the gateway (pure functions): {@link verifyUrl}, {@link openCallback} (with a
 *   `dedupeKey`), {@link sealReply}, on the shared `CallbackCipher` of `connectors/core`.
 * - {@link createWecomSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*` endpoints
 *   (auth codes, clock, faults, org, delivered messages, callback pushes) that do not exist on the real
 *   platform.
 *
 * @packageDocumentation
 */
export {
  type CallbackQuery,
  dedupeKeyOf,
  type OpenedCallback,
  openCallback,
  sealReply,
  verifyUrl,
} from './callback/codec';
export { createMemoryTokenCache, createWecomClient, type WecomClient } from './client';
export {
  WecomApiError,
  type WecomErrorKind,
  type WecomInvalidRecipients,
  WecomRecipientsError,
  WecomTransportError,
  wecomErrorKind,
} from './errors';
export type { WecomIdentity } from './operations/identity';
export type {
  WecomMessageContent,
  WecomNewsArticle,
  WecomSendMessageInput,
  WecomSendMessageResult,
} from './operations/message';
export {
  USER_LIST_ID_MAX_LIMIT,
  type WecomDepartment,
  type WecomMember,
  type WecomUserIdPage,
} from './operations/org';
export type {
  CallbackAttempt as WecomCallbackAttempt,
  CallbackPushOptions as WecomCallbackPushOptions,
  CallbackPushResult as WecomCallbackPushResult,
  CallbackTarget as WecomCallbackTarget,
  CallbackVerifyResult as WecomCallbackVerifyResult,
} from './simulator/callback-sender';
export type { WecomSimulatorFault } from './simulator/faults';
export type {
  DeliveredMessage as WecomDeliveredMessage,
  MessageLimits as WecomMessageLimits,
} from './simulator/messages';
export {
  DEMO_WECOM_ORG,
  type WecomOrgDepartment,
  type WecomOrgFixture,
  type WecomOrgUser,
} from './simulator/org';
export type {
  RateLimits as WecomRateLimits,
  SimulatorStats as WecomSimulatorStats,
} from './simulator/server';
export { createWecomSimulator, type WecomSimulator, type WecomSimulatorOptions } from './simulator/simulator';
export {
  type AccessTokenProvider,
  accessTokenCacheKey,
  isStaleTokenError,
  TOKEN_REFRESH_MARGIN_SECONDS,
  type TokenCache,
} from './transport/access-token';
export { DEFAULT_TIMEOUT_MS, type WecomConfig } from './wecom-config';
