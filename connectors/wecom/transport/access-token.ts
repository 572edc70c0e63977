import { createHash } from 'node:crypto';
import {
  type AccessTokenProvider,
  cacheTtlSeconds,
  createAccessTokenProvider as createSharedProvider,
  readTokenBody,
  TOKEN_REFRESH_MARGIN_SECONDS,
} from '../../core/transport/access-token';
import type { TokenCache } from '../../core/transport/token-cache';
import { WecomApiError, WecomTransportError } from '../errors';
import type { WecomHttp } from './http';

export type { AccessTokenProvider, TokenCache };
// WeCom returns the same token, with what is left of its life, until it expires: the shared TTL keeps
// a dying token to its end instead of refetching it every second.
export { cacheTtlSeconds, TOKEN_REFRESH_MARGIN_SECONDS };

const GETTOKEN_PATH = '/cgi-bin/gettoken';

/**
 * Each app (secret) has its own token (platforms.md §3.1), so the key names the corp and a short
 * digest of the secret, never the secret itself.
 */
export function accessTokenCacheKey(corpId: string, corpSecret: string): string {
  const digest = createHash('sha256').update(corpSecret).digest('hex').slice(0, 16);
  return `wecom:access_token:${corpId}:${digest}`;
}

/** 40014 invalid and 42001 expired: refetch and retry once (platforms.md §3.1/§3.4). */
export function isStaleTokenError(error: unknown): boolean {
  return error instanceof WecomApiError && (error.errcode === 40014 || error.errcode === 42001);
}

/**
 * The app's access token via `GET /cgi-bin/gettoken`. gettoken returns the same token while it is
 * valid (path/91039), so instances fetching concurrently all cache the same value. Central caching
 * matters: frequent gettoken calls are rate-limited (45009, §3.1).
 */
export function createAccessTokenProvider(deps: {
  http: WecomHttp;
  corpId: string;
  corpSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  return createSharedProvider({
    cacheKey: accessTokenCacheKey(deps.corpId, deps.corpSecret),
    cache: deps.cache,
    async fetchToken() {
      const body = await deps.http.get(GETTOKEN_PATH, { corpid: deps.corpId, corpsecret: deps.corpSecret });
      const fetched = readTokenBody(body);
      if (!fetched) {
        throw new WecomTransportError(GETTOKEN_PATH, 'token response without access_token/expires_in');
      }
      return fetched;
    },
    isStaleTokenError,
  });
}
