/**
 * DingTalk (钉钉) identity and org connector, old "oapi" generation (platforms.md §2).
 *
 * - {@link createDingtalkClient}: a cached access token (single-flight, refreshed 300 s early, refetched
 *   once on errcode 88/sub_code 40014), 免登 (`getUserInfoByCode`), user detail and the org (departments
 *   with leaders, members with cursor paging). Errors are {@link DingtalkApiError} (HTTP 200 with a
 *   non-zero errcode; flow-control codes flagged `throttled` with `retryAfterMs`),
 *   {@link DingtalkIpBannedError} (the x5 IP ban) or {@link DingtalkTransportError}.
 * - {@link createDingtalkSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*` endpoints
 *   (auth codes, clock, faults, org) that do not exist on the real platform.
 *
 * @packageDocumentation
 */
export { createDingtalkClient, createMemoryTokenCache, type DingtalkClient, ROOT_DEPT_ID } from './client';
export { DEFAULT_TIMEOUT_MS, type DingtalkConfig } from './dingtalk-config';
export { DingtalkApiError, DingtalkIpBannedError, DingtalkTransportError } from './errors';
export type { DingtalkLoginIdentity } from './operations/identity';
export {
  type DingtalkDepartment,
  type DingtalkDepartmentDetail,
  type DingtalkUser,
  type DingtalkUserPage,
  USER_LIST_MAX_SIZE,
} from './operations/org';
export type { DingtalkSimulatorFault } from './simulator/faults';
export {
  DEMO_DINGTALK_ORG,
  type DingtalkOrgDepartment,
  type DingtalkOrgFixture,
  type DingtalkOrgUser,
} from './simulator/org';
export type {
  RateLimits as DingtalkRateLimits,
  SimulatorStats as DingtalkSimulatorStats,
} from './simulator/server';
export {
  createDingtalkSimulator,
  type DingtalkSimulator,
  type DingtalkSimulatorOptions,
} from './simulator/simulator';
export {
  type AccessTokenProvider,
  accessTokenCacheKey,
  isStaleTokenError,
  TOKEN_REFRESH_MARGIN_SECONDS,
  type TokenCache,
} from './transport/access-token';
