import { DingtalkApiError, DingtalkTransportError } from '../errors';
import type { DingtalkHttp } from './http';

/**
 * Shared key/value store for access tokens (Redis in the gateway, memory in tests).
 * Values must expire after `ttlSeconds`. Same contract as the WeChat connector's port.
 */
export interface TokenCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Obtains, caches and refreshes the app's access token via `GET /gettoken`. */
export interface AccessTokenProvider {
  /** Cached token, or one fetched from DingTalk on a miss (one fetch per process at a time). */
  get(): Promise<string>;
  /**
   * Forget the cached token. With `staleToken`, only when the cache still holds that token, so a
   * token another caller has just refreshed is not thrown away.
   */
  invalidate(staleToken?: string): Promise<void>;
  /** Run `fn` with a token; on an invalid/expired-token answer invalidate, refetch once, retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
}

/** Cache entries lapse this long before DingTalk's expiry, so no caller holds a token about to die. */
export const TOKEN_REFRESH_MARGIN_SECONDS = 300;

const GETTOKEN_PATH = '/gettoken';

export function accessTokenCacheKey(appKey: string): string {
  return `dingtalk:access_token:${appKey}`;
}

/**
 * "This token is no longer accepted" (platforms.md §2.1): errcode 88 with sub_code 40014 (invalid
 * token) or with an empty sub_code (auth timeout); plain 40014/42001 as older endpoints answer.
 */
export function isStaleTokenError(error: unknown): boolean {
  if (!(error instanceof DingtalkApiError)) return false;
  if (error.errcode === 40014 || error.errcode === 42001) return true;
  if (error.errcode !== 88) return false;
  return (
    error.subCode === undefined ||
    error.subCode === '' ||
    error.subCode === '40014' ||
    error.subCode === '42001'
  );
}

/**
 * Cache time for a token that lives `expiresIn` more seconds: lapse {@link TOKEN_REFRESH_MARGIN_SECONDS}
 * early; a token with less than that left (the platform handed back a dying one) is kept to its end,
 * so callers do not refetch it every second. At least 1 s.
 */
export function cacheTtlSeconds(expiresIn: number): number {
  const seconds = Math.floor(expiresIn);
  return Math.max(
    1,
    seconds > TOKEN_REFRESH_MARGIN_SECONDS ? seconds - TOKEN_REFRESH_MARGIN_SECONDS : seconds,
  );
}

export function createAccessTokenProvider(deps: {
  http: DingtalkHttp;
  appKey: string;
  appSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  const key = accessTokenCacheKey(deps.appKey);
  let inFlight: Promise<string> | null = null;
  // A TokenCache has no delete: remember the token we dropped and treat it as a miss until replaced.
  let rejected: string | null = null;

  async function fetchAndStore(): Promise<string> {
    const body = await deps.http.get(GETTOKEN_PATH, { appkey: deps.appKey, appsecret: deps.appSecret });
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new DingtalkTransportError(GETTOKEN_PATH, 'token response without access_token/expires_in');
    }
    await deps.cache.set(key, token, cacheTtlSeconds(expiresIn));
    rejected = null;
    return token;
  }

  async function get(): Promise<string> {
    const cached = await deps.cache.get(key);
    if (cached && cached !== rejected) return cached;
    // Single-flight inside this process only: gettoken returns the same token while it is valid (and
    // renews it, §2.2), so instances fetching concurrently all cache the same value.
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
      if (!isStaleTokenError(error)) throw error;
      await invalidate(token);
      return fn(await get());
    }
  }

  return { get, invalidate, withAccessToken };
}
