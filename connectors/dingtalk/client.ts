import {
  approvalApi,
  type DingtalkApprovalApi,
  type DingtalkTodoApi,
  type DingtalkWorkNotificationApi,
  todoApi,
  workNotificationApi,
} from './client-apis';
import type { DingtalkConfig } from './dingtalk-config';
import { type DingtalkLoginIdentity, getUserInfoByCode } from './operations/identity';
import {
  type DingtalkDepartment,
  type DingtalkDepartmentDetail,
  type DingtalkUser,
  type DingtalkUserPage,
  getDepartment,
  getUser,
  listDepartmentUserIds,
  listDepartmentUsers,
  listSubDepartments,
} from './operations/org';
import { createAccessTokenProvider, type TokenCache } from './transport/access-token';
import { createDingtalkHttp } from './transport/http';
import { createDingtalkV1Http } from './transport/v1-http';

export { createMemoryTokenCache } from '../core/transport/memory-token-cache';

/** The root department's id on DingTalk. */
export const ROOT_DEPT_ID = 1;

/**
 * Client for one DingTalk internal app (platforms.md §2): the old "oapi" generation (org, 免登, 工作通知,
 * old approval API) on `apiBase` and the new "v1.0" generation (待办, workflow) on `v1ApiBase`, both
 * with the same gettoken access token.
 */
export interface DingtalkClient extends DingtalkTodoApi, DingtalkWorkNotificationApi, DingtalkApprovalApi {
  /** Cached access token, fetched on a miss (one fetch per process at a time). */
  getAccessToken(): Promise<string>;
  /** Drop the cached token so the next call fetches again. */
  invalidateAccessToken(): Promise<void>;
  /** Run `fn` with a token; on an invalid/expired-token errcode refetch once and retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
  /** 免登: `authCode` (single-use, short-lived) → who signed in. */
  getUserInfoByCode(authCode: string): Promise<DingtalkLoginIdentity>;
  /** `topapi/v2/user/get`: a member's detail, including `unionid` and the departments they lead. */
  getUser(userid: string): Promise<DingtalkUser>;
  /** Direct children of `deptId` (default: the root, 1). */
  listSubDepartments(deptId?: number): Promise<DingtalkDepartment[]>;
  /** Every department below the root, parents before children (breadth-first over `listsub`). */
  listAllDepartments(): Promise<DingtalkDepartment[]>;
  /** One department with its leaders (`dept_manager_userid_list`). */
  getDepartment(deptId: number): Promise<DingtalkDepartmentDetail>;
  /** One page of a department's direct members (cursor paging, `size` ≤ 100). */
  listDepartmentUsers(deptId: number, page?: { cursor?: number; size?: number }): Promise<DingtalkUserPage>;
  /** All direct members of a department, following the cursor. */
  listAllDepartmentUsers(deptId: number, pageSize?: number): Promise<DingtalkUser[]>;
  /** `topapi/user/listid`: userids of a department's direct members. */
  listDepartmentUserIds(deptId: number): Promise<string[]>;
}

export function createDingtalkClient(
  config: DingtalkConfig,
  deps: { tokenCache: TokenCache },
): DingtalkClient {
  const http = createDingtalkHttp(config);
  const tokens = createAccessTokenProvider({
    http,
    appKey: config.appKey,
    appSecret: config.appSecret,
    cache: deps.tokenCache,
  });
  const call = tokens.withAccessToken;
  const apiDeps = { http, v1: createDingtalkV1Http(config), agentId: config.agentId, call };

  const client: DingtalkClient = {
    ...todoApi(apiDeps),
    ...workNotificationApi(apiDeps),
    ...approvalApi(apiDeps),
    getAccessToken: () => tokens.get(),
    invalidateAccessToken: () => tokens.invalidate(),
    withAccessToken: (fn) => call(fn),
    getUserInfoByCode: (authCode) => call((token) => getUserInfoByCode(http, token, authCode)),
    getUser: (userid) => call((token) => getUser(http, token, userid)),
    listSubDepartments: (deptId = ROOT_DEPT_ID) => call((token) => listSubDepartments(http, token, deptId)),
    async listAllDepartments() {
      const all: DingtalkDepartment[] = [];
      const queue = [ROOT_DEPT_ID];
      const seen = new Set(queue);
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        for (const dept of await client.listSubDepartments(next)) {
          if (seen.has(dept.deptId)) continue;
          seen.add(dept.deptId);
          all.push(dept);
          queue.push(dept.deptId);
        }
      }
      return all;
    },
    getDepartment: (deptId) => call((token) => getDepartment(http, token, deptId)),
    listDepartmentUsers: (deptId, page = {}) =>
      call((token) => listDepartmentUsers(http, token, { deptId, ...page })),
    async listAllDepartmentUsers(deptId, pageSize) {
      const users: DingtalkUser[] = [];
      let cursor: number | undefined = 0;
      while (cursor !== undefined) {
        const page: DingtalkUserPage = await client.listDepartmentUsers(
          deptId,
          pageSize === undefined ? { cursor } : { cursor, size: pageSize },
        );
        users.push(...page.users);
        cursor = page.hasMore ? page.nextCursor : undefined;
      }
      return users;
    },
    listDepartmentUserIds: (deptId) => call((token) => listDepartmentUserIds(http, token, deptId)),
  };
  return client;
}
