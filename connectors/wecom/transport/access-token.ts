import { createHash } from 'node:crypto';
import { WecomApiError, WecomTransportError } from '../errors';
import type { WecomHttp } from './http';

/**
 * Shared key/value store for access tokens (Redis in the gateway, memory in tests).
 * Values must expire after `ttlSeconds`. Same contract as the WeChat and DingTalk connectors' port.
 */
export interface TokenCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Obtains, caches and refreshes the app's access token via `GET /cgi-bin/gettoken`. */
export interface AccessTokenProvider {
  /** Cached token, or one fetched from WeCom on a miss (one fetch per process at a time). */
  get(): Promise<string>;
  /**
   * Forget the cached token. With `staleToken`, only when the cache still holds that token, so a
   * token another caller has just refreshed is not thrown away.
   */
  invalidate(staleToken?: string): Promise<void>;
  /** Run `fn` with a token; on an invalid/expired-token answer invalidate, refetch once, retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
}

/** Cache entries lapse this long before WeCom's expiry, so no caller holds a token about to die. */
export const TOKEN_REFRESH_MARGIN_SECONDS = 300;

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
 * Cache time for a token that lives `expiresIn` more seconds: lapse {@link TOKEN_REFRESH_MARGIN_SECONDS}
 * early; a token with less than that left (the platform handed back a dying one) is kept to its end,
 * so callers do not refetch it every second (WeCom
 * returns the same token, with what is left of its life, until it expires). At least 1 s.
 */
export function cacheTtlSeconds(expiresIn: number): number {
  const seconds = Math.floor(expiresIn);
  return Math.max(
    1,
    seconds > TOKEN_REFRESH_MARGIN_SECONDS ? seconds - TOKEN_REFRESH_MARGIN_SECONDS : seconds,
  );
}

export function createAccessTokenProvider(deps: {
  http: WecomHttp;
  corpId: string;
  corpSecret: string;
  cache: TokenCache;
}): AccessTokenProvider {
  const key = accessTokenCacheKey(deps.corpId, deps.corpSecret);
  let inFlight: Promise<string> | null = null;
  // A TokenCache has no delete: remember the token we dropped and treat it as a miss until replaced.
  let rejected: string | null = null;

  async function fetchAndStore(): Promise<string> {
    const body = await deps.http.get(GETTOKEN_PATH, { corpid: deps.corpId, corpsecret: deps.corpSecret });
    const token = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') {
      throw new WecomTransportError(GETTOKEN_PATH, 'token response without access_token/expires_in');
    }
    await deps.cache.set(key, token, cacheTtlSeconds(expiresIn));
    rejected = null;
    return token;
  }

  async function get(): Promise<string> {
    const cached = await deps.cache.get(key);
    if (cached && cached !== rejected) return cached;
    // Single-flight inside this process only: gettoken returns the same token while it is valid
    // (path/91039), so instances fetching concurrently all cache the same value. Central caching matters:
    // frequent gettoken calls are rate-limited (45009, §3.1).
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
