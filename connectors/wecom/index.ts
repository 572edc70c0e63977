/**
 * WeCom (企业微信) identity and org connector (platforms.md §3).
 *
 * - {@link createWecomClient}: a cached access token (single-flight, refreshed 300 s early, refetched
 *   once on 40014/42001), OAuth2 identity (`getUserIdentityByCode`: member userid or non-member openid),
 *   member detail and the org (departments with `department_leader`, members with `is_leader_in_dept`,
 *   cursor-paged `user/list_id`). Errors are {@link WecomApiError} (HTTP 200 with a non-zero errcode;
 *   45009/45033 flagged `throttled`) or {@link WecomTransportError}.
 * - {@link createWecomSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*` endpoints
 *   (auth codes, clock, faults, org) that do not exist on the real platform.
 *
 * @packageDocumentation
 */
export { createMemoryTokenCache, createWecomClient, type WecomClient } from './client';
export { WecomApiError, WecomTransportError } from './errors';
export type { WecomIdentity } from './operations/identity';
export {
  USER_LIST_ID_MAX_LIMIT,
  type WecomDepartment,
  type WecomMember,
  type WecomUserIdPage,
} from './operations/org';
export type { WecomSimulatorFault } from './simulator/faults';
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
