/**
 * DingTalk (钉钉) connector (platforms.md §2): identity and org (oapi), 待办 (v1.0), 工作通知 (oapi),
 * OA approval (both generations) and the HTTP event-push codec.
 *
 * - {@link createDingtalkClient}: a cached access token (single-flight, refreshed 300 s early, refetched
 *   once on errcode 88/sub_code 40014), 免登 (`getUserInfoByCode`), user detail and the org (departments
 *   with leaders, members with cursor paging). Errors are {@link DingtalkApiError} (HTTP 200 with a
 *   non-zero errcode; flow-control codes flagged `throttled` with `retryAfterMs`),
 *   {@link DingtalkIpBannedError} (the x5 IP ban), {@link DingtalkV1ApiError} (new generation, HTTP
 *   4xx/5xx `{code, message}`) or {@link DingtalkTransportError}; each carries `kind`
 *   (`rateLimited` / `retryable` / `tokenStale` / `permanent`, see {@link classifyDingtalkError}).
 * - {@link openDingtalkCallback} / {@link successReply}: HTTP push verify + decrypt and the encrypted
 *   `success` reply, with an inbox `dedupeKey` per event.
 * - {@link createDingtalkSimulator}: an HTTP fake of the same wire protocol plus `/__sandbox/*` endpoints
 *   (auth codes, clock, faults, org, todos, notifications, approvals, callback URL, event quirks) that
 *   do not exist on the real platform; events go to every {@link DingtalkEventSink}.
 *
 * @packageDocumentation
 */
export { createDingtalkClient, createMemoryTokenCache, type DingtalkClient, ROOT_DEPT_ID } from './client';
export type { DingtalkApprovalApi, DingtalkTodoApi, DingtalkWorkNotificationApi } from './client-apis';
export {
  type CallbackQuery,
  callbackDedupeKey,
  type DingtalkCallback,
  DingtalkCallbackError,
  type DingtalkCallbackErrorCode,
  type DingtalkCallbackReply,
  isSuccessReply,
  openDingtalkCallback,
  successReply,
} from './codec/callback';
export { DEFAULT_TIMEOUT_MS, DEFAULT_V1_API_BASE, type DingtalkConfig } from './dingtalk-config';
export {
  classifyDingtalkError,
  DingtalkApiError,
  type DingtalkError,
  type DingtalkErrorKind,
  DingtalkIpBannedError,
  DingtalkTransportError,
  DingtalkV1ApiError,
} from './errors';
export type {
  DingtalkApprovalInput,
  DingtalkApprovalInstance,
  DingtalkApprovalStatus,
  DingtalkApprovalTask,
  DingtalkApproverStep,
} from './operations/approval';
export type { DingtalkLoginIdentity } from './operations/identity';
export {
  type DingtalkDepartment,
  type DingtalkDepartmentDetail,
  type DingtalkUser,
  type DingtalkUserPage,
  USER_LIST_MAX_SIZE,
} from './operations/org';
export {
  type DingtalkTodo,
  type DingtalkTodoCard,
  type DingtalkTodoDetailUrl,
  type DingtalkTodoInput,
  type DingtalkTodoListQuery,
  type DingtalkTodoPage,
  type DingtalkTodoPriority,
  type DingtalkTodoUpdate,
  isDuplicateTodoError,
  isMissingTodoError,
} from './operations/todo';
export type {
  DingtalkSendProgress,
  DingtalkSendResult,
  DingtalkWorkMessage,
  DingtalkWorkRecipients,
} from './operations/work-notification';
export type { DingtalkEventSink, DingtalkSimulatorEvent, EventDeliveryQuirks } from './simulator/events';
export type { DingtalkSimulatorFault } from './simulator/faults';
export type { CheckUrlResult, HttpCallbackAttempt, HttpCallbackSubscription } from './simulator/http-sink';
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
  DINGTALK_TOKEN_PATHS,
  type DingtalkSimulator,
  type DingtalkSimulatorOptions,
  type TodoEffects,
} from './simulator/simulator';
export {
  type AccessTokenProvider,
  accessTokenCacheKey,
  isStaleTokenError,
  TOKEN_REFRESH_MARGIN_SECONDS,
  type TokenCache,
} from './transport/access-token';
