import type { TokenCache } from './token-cache';

/** Obtains, caches and refreshes one app's access token. */
export interface AccessTokenProvider {
  /** Cached token, or one fetched from the platform on a miss (one fetch per process at a time). */
  get(): Promise<string>;
  /**
   * Forget the cached token. With `staleToken`, only when the cache still holds that token, so a
   * token another caller has just refreshed is not thrown away.
   */
  invalidate(staleToken?: string): Promise<void>;
  /** Run `fn` with a token; on a stale-token error invalidate, refetch once and retry once. */
  withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T>;
}

/** A freshly fetched token and its remaining lifetime in seconds, as the platform reported it. */
export interface FetchedToken {
  token: string;
  expiresIn: number;
}

/** What differs between platforms; everything else (cache, single-flight, retry) is shared. */
export interface AccessTokenProviderOptions {
  /** Where the token lives in {@link TokenCache}; must not contain the secret. */
  cacheKey: string;
  cache: TokenCache;
  /**
   * Call the platform's token endpoint. Throws the platform's errors (answer without a token included);
   * called at most once at a time per provider.
   */
  fetchToken(): Promise<FetchedToken>;
  /** True when `error` means "this token is no longer accepted": refetch and retry once. */
  isStaleTokenError(error: unknown): boolean;
  /** Cache time for a token that lives `expiresIn` more seconds. Default {@link cacheTtlSeconds}. */
  cacheTtlSeconds?: (expiresIn: number) => number;
}

/** Cache entries lapse this long before the platform's expiry, so no caller holds a token about to die. */
export const TOKEN_REFRESH_MARGIN_SECONDS = 300;

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

/**
 * The token from a token endpoint's body, or null when `access_token`/`expires_in` are missing or
 * mistyped (callers turn null into their platform's transport error).
 */
export function readTokenBody(body: Record<string, unknown>): FetchedToken | null {
  const token = body.access_token;
  const expiresIn = body.expires_in;
  if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number') return null;
  return { token, expiresIn };
}

export function createAccessTokenProvider(options: AccessTokenProviderOptions): AccessTokenProvider {
  const { cacheKey: key, cache } = options;
  const ttlFor = options.cacheTtlSeconds ?? cacheTtlSeconds;
  let inFlight: Promise<string> | null = null;
  // A TokenCache has no delete: remember the token we dropped and treat it as a miss until replaced.
  let rejected: string | null = null;

  async function fetchAndStore(): Promise<string> {
    const { token, expiresIn } = await options.fetchToken();
    await cache.set(key, token, ttlFor(expiresIn));
    rejected = null;
    return token;
  }

  async function get(): Promise<string> {
    const cached = await cache.get(key);
    if (cached && cached !== rejected) return cached;
    // Single-flight inside this process only. No cross-instance lock is needed: every platform here
    // returns the same token while it is valid, so instances fetching concurrently all receive (and
    // cache) the same value and none invalidates another's token.
    if (!inFlight) {
      inFlight = fetchAndStore().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  async function invalidate(staleToken?: string): Promise<void> {
    const cached = await cache.get(key);
    if (cached === null) return;
    if (staleToken === undefined || cached === staleToken) rejected = cached;
  }

  async function withAccessToken<T>(fn: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await get();
    try {
      return await fn(token);
    } catch (error) {
      if (!options.isStaleTokenError(error)) throw error;
      await invalidate(token);
      return fn(await get());
    }
  }

  return { get, invalidate, withAccessToken };
}
