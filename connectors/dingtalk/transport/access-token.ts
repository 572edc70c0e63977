import {
  type AccessTokenProvider,
  cacheTtlSeconds,
  createAccessTokenProvider as createSharedProvider,
  readTokenBody,
  TOKEN_REFRESH_MARGIN_SECONDS,
} from '../../core/transport/access-token';
import type { TokenCache } from '../../core/transport/token-cache';
import { DingtalkApiError, DingtalkTransportError, DingtalkV1ApiError } from '../errors';
import type { DingtalkHttp } from './http';

export type { AccessTokenProvider, TokenCache };
export { cacheTtlSeconds, TOKEN_REFRESH_MARGIN_SECONDS };

const GETTOKEN_PATH = '/gettoken';

export function accessTokenCacheKey(appKey: string): string {
  return `dingtalk:access_token:${appKey}`;
}

/**
 * "This token is no longer accepted" (platforms.md §2.1): errcode 88 with sub_code 40014 (invalid
 * token) or with an empty sub_code (auth timeout); plain 40014/42001 as older endpoints answer; on the
 * new generation, HTTP 400 `InvalidAuthentication`.
 */
export function isStaleTokenError(error: unknown): boolean {
  return (
    (error instanceof DingtalkApiError || error instanceof DingtalkV1ApiError) && error.kind === 'tokenStale'
  );
}

/**
 * The app's access token via `GET /gettoken`. gettoken returns the same token while it is valid (and
 * renews it, §2.2), so instances fetching concurrently all cache the same value.
 */
export function createAccessTokenProvider(deps: {
  http: DingtalkHttp;
  appKey: string;
  appSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  return createSharedProvider({
    cacheKey: accessTokenCacheKey(deps.appKey),
    cache: deps.cache,
    async fetchToken() {
      const body = await deps.http.get(GETTOKEN_PATH, { appkey: deps.appKey, appsecret: deps.appSecret });
      const fetched = readTokenBody(body);
      if (!fetched) {
        throw new DingtalkTransportError(GETTOKEN_PATH, 'token response without access_token/expires_in');
      }
      return fetched;
    },
    isStaleTokenError,
  });
}
