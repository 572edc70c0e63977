import {
  type AccessTokenProvider,
  createAccessTokenProvider,
  readTokenBody,
} from '../../core/transport/access-token';
import { checkErrcode, createJsonHttp, type JsonHttp } from '../../core/transport/json-http';
import type { TokenCache } from '../../core/transport/token-cache';
import { STALE_TOKEN_ERRCODES } from '../errcodes';
import { DeptApiError, DeptTransportError } from '../errors';
import type { DeptSourceKey } from '../sources';
import { DEFAULT_DEPT_TIMEOUT_MS, type DeptClientConfig } from './config';

export const TOKEN_PATH = '/v1/token';

export function createDeptHttp(config: DeptClientConfig): JsonHttp {
  return createJsonHttp({
    apiBase: config.apiBase,
    timeoutMs: config.timeoutMs ?? DEFAULT_DEPT_TIMEOUT_MS,
    transportError: (path, reason, details) => new DeptTransportError(path, reason, details),
    checkBody: (path, body) => checkErrcode(path, body, (p, code, msg) => new DeptApiError(p, code, msg)),
  });
}

/** Where a source's token lives in the shared {@link TokenCache} (no secret in it). */
export function deptTokenCacheKey(source: DeptSourceKey, appKey: string): string {
  return `dept:${source}:access_token:${appKey}`;
}

/** The app's token via `POST /v1/token`, cached, refetched once on 40014/42001. */
export function createDeptTokenProvider(
  source: DeptSourceKey,
  http: JsonHttp,
  config: DeptClientConfig,
  cache: TokenCache,
): AccessTokenProvider {
  return createAccessTokenProvider({
    cacheKey: deptTokenCacheKey(source, config.appKey),
    cache,
    async fetchToken() {
      const body = await http.post(TOKEN_PATH, { appKey: config.appKey, appSecret: config.appSecret });
      const token = readTokenBody(body);
      if (!token) throw new DeptTransportError(TOKEN_PATH, 'token response without access_token/expires_in');
      return token;
    },
    isStaleTokenError: (error) => error instanceof DeptApiError && STALE_TOKEN_ERRCODES.has(error.errcode),
  });
}
