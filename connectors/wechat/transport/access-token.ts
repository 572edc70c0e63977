import { WechatApiError, WechatTransportError } from '../errors';
import type { WechatHttp } from './http';

/**
 * Shared key/value store for access tokens (Redis in the gateway, memory in tests).
 * Values must expire after `ttlSeconds`.
 */
export interface TokenCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Obtains, caches and refreshes the app's access token via `POST /cgi-bin/stable_token`. */
export interface AccessTokenProvider {
  /** Cached token, or one fetched from WeChat on a miss. */
  get(): Promise<string>;
  /**
   * Forget the cached token. With `staleToken`, only when the cache still holds that token, so a
   * token another caller has just refreshed is not thrown away.
   */
  invalidate(staleToken?: string): Promise<void>;
  /** Run `fn` with a token; on 40001/42001/40014 invalidate, refetch once and retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
}

/** Refresh this long before WeChat's expiry, so no caller holds a token about to die. */
export const TOKEN_REFRESH_MARGIN_SECONDS = 300;

/** errcodes meaning "this token is no longer accepted" (platforms.md §1.5). */
const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014]);

const STABLE_TOKEN_PATH = '/cgi-bin/stable_token';

export function accessTokenCacheKey(appId: string): string {
  return `wechat:access_token:${appId}`;
}

export function createAccessTokenProvider(deps: {
  http: WechatHttp;
  appId: string;
  appSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  const key = accessTokenCacheKey(deps.appId);
  let inFlight: Promise<string> | null = null;
  // A TokenCache has no delete: remember the token we dropped and treat it as a miss until replaced.
  let rejected: string | null = null;

  async function fetchAndStore(): Promise<string> {
    const body = await deps.http.post(STABLE_TOKEN_PATH, {
      grant_type: 'client_credential',
      appid: deps.appId,
      secret: deps.appSecret,
      force_refresh: false,
    });
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new WechatTransportError(STABLE_TOKEN_PATH, 'token response without access_token/expires_in');
    }
    await deps.cache.set(key, token, Math.max(1, Math.floor(expiresIn) - TOKEN_REFRESH_MARGIN_SECONDS));
    rejected = null;
    return token;
  }

  async function get(): Promise<string> {
    const cached = await deps.cache.get(key);
    if (cached && cached !== rejected) return cached;
    // Single-flight inside this process only. No cross-instance lock is needed: in normal mode
    // stable_token returns the same token while it is valid, so instances fetching concurrently
    // all receive (and cache) the same value and none invalidates another's token.
    if (!inFlight) {
      inFlight = fetchAndStore().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  async function invalidate(staleToken?: string): Promise<void> {
    const cached = await deps.cache.get(key);
    if (cached === null) return;
    if (staleToken === undefined || cached === staleToken) rejected = cached;
  }

  async function withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await get();
    try {
      return await fn(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !STALE_TOKEN_ERRCODES.has(error.errcode)) throw error;
      await invalidate(token);
      return fn(await get());
    }
  }

  return { get, invalidate, withAccessToken };
}
