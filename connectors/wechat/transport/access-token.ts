import {
  type AccessTokenProvider,
  createAccessTokenProvider as createSharedProvider,
  readTokenBody,
  TOKEN_REFRESH_MARGIN_SECONDS,
} from '../../core/transport/access-token';
import type { TokenCache } from '../../core/transport/token-cache';
import { WechatApiError, WechatTransportError } from '../errors';
import type { WechatHttp } from './http';

export type { AccessTokenProvider, TokenCache };
export { TOKEN_REFRESH_MARGIN_SECONDS };

/** errcodes meaning "this token is no longer accepted" (platforms.md §1.5). */
const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014]);

const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';

export function accessTokenCacheKey(appId: string): string {
  return `wechat:access_token:${appId}`;
}

/** The app's access token via `POST /cgi-bin/stable_token`; refetched once on 40001/42001/40014. */
export function createAccessTokenProvider(deps: {
  http: WechatHttp;
  appId: string;
  appSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  return createSharedProvider({
    cacheKey: accessTokenCacheKey(deps.appId),
    cache: deps.cache,
    async fetchToken() {
      const body = await deps.http.post(STABLE_TOKEN_PATH, {
        grant_type: 'client_credential',
        appid: deps.appId,
        secret: deps.appSecret,
        force_refresh: false,
      });
      const fetched = readTokenBody(body);
      if (!fetched) {
        throw new WechatTransportError(STABLE_TOKEN_PATH, 'token response without access_token/expires_in');
      }
      return fetched;
    },
    isStaleTokenError: (error) => error instanceof WechatApiError && STALE_TOKEN_ERRCODES.has(error.errcode),
    // Always lapse the full margin early (a dying token is cached for 1 s): stable_token hands out a
    // fresh token once under 5 minutes are left, so refetching soon is cheap.
    cacheTtlSeconds: (expiresIn) => Math.max(1, Math.floor(expiresIn) - TOKEN_REFRESH_MARGIN_SECONDS),
  });
}
