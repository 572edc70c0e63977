import { getUserIdentityByCode, type WecomIdentity } from './operations/identity';
import { sendMessage, type WecomSendMessageInput, type WecomSendMessageResult } from './operations/message';
import {
  getMember,
  listDepartmentMembers,
  listDepartments,
  listUserIds,
  type WecomDepartment,
  type WecomMember,
  type WecomUserIdPage,
} from './operations/org';
import { createAccessTokenProvider, type TokenCache } from './transport/access-token';
import { createWecomHttp } from './transport/http';
import type { WecomConfig } from './wecom-config';

export { createMemoryTokenCache } from '../core/transport/memory-token-cache';

/** Client for one WeCom app (platforms.md §3). */
export interface WecomClient {
  /** Cached access token, fetched on a miss (one fetch per process at a time). */
  getAccessToken(): Promise<string>;
  /** Drop the cached token so the next call fetches again. */
  invalidateAccessToken(): Promise<void>;
  /** Run `fn` with a token; on 40014/42001 refetch once and retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
  /** OAuth2 `code` (single-use, 5 min) → member userid, or openid for a non-member. */
  getUserIdentityByCode(code: string): Promise<WecomIdentity>;
  /** `user/get`. */
  getMember(userid: string): Promise<WecomMember>;
  /** `department/list`: `id` and everything below it, or the whole visible org. */
  listDepartments(id?: number): Promise<WecomDepartment[]>;
  /** `user/list`: a department's direct members. */
  listDepartmentMembers(departmentId: number): Promise<WecomMember[]>;
  /** One page of `user/list_id` (cursor paging, `limit` 1..10000). */
  listUserIds(page?: { cursor?: string; limit?: number }): Promise<WecomUserIdPage>;
  /** Every (userid, department) pair, following the cursor. */
  listAllUserIds(limit?: number): Promise<WecomUserIdPage['entries']>;
  /**
   * `message/send` as the configured app (`agentId`). Partly invalid recipients are listed in the
   * result; all invalid throws {@link WecomRecipientsError} (81013). Other failures are
   * {@link WecomApiError}s whose `kind` tells retryable / rateLimited / config / permanent apart.
   */
  sendMessage(input: WecomSendMessageInput): Promise<WecomSendMessageResult>;
}

export function createWecomClient(config: WecomConfig, deps: { tokenCache: TokenCache }): WecomClient {
  const http = createWecomHttp(config);
  const tokens = createAccessTokenProvider({
    http,
    corpId: config.corpId,
    corpSecret: config.corpSecret,
    cache: deps.tokenCache,
  });
  const call = tokens.withAccessToken;
  const client: WecomClient = {
    getAccessToken: () => tokens.get(),
    invalidateAccessToken: () => tokens.invalidate(),
    withAccessToken: (fn) => call(fn),
    getUserIdentityByCode: (code) => call((token) => getUserIdentityByCode(http, token, code)),
    getMember: (userid) => call((token) => getMember(http, token, userid)),
    listDepartments: (id) => call((token) => listDepartments(http, token, id)),
    listDepartmentMembers: (departmentId) =>
      call((token) => listDepartmentMembers(http, token, departmentId)),
    sendMessage: async (input) => {
      const agentId = config.agentId;
      if (agentId === undefined || !Number.isSafeInteger(agentId)) {
        throw new TypeError('WecomConfig.agentId is required to send app messages');
      }
      return call((token) => sendMessage(http, token, agentId, input));
    },
    listUserIds: (page = {}) => call((token) => listUserIds(http, token, page)),
    async listAllUserIds(limit) {
      const entries: WecomUserIdPage['entries'] = [];
      let cursor: string | undefined;
      do {
        const page: WecomUserIdPage = await client.listUserIds(
          limit === undefined ? (cursor ? { cursor } : {}) : cursor ? { cursor, limit } : { limit },
        );
        entries.push(...page.entries);
        cursor = page.nextCursor;
      } while (cursor);
      return entries;
    },
  };
  return client;
}
