import { isAuthExpired } from '../errors';

/** A vendor session (token) obtained by a login call, shared by concurrent callers. */
export interface Session {
  /** The current token, logging in on a miss (one login at a time). */
  get(): Promise<string>;
  /**
   * Run `fn` with a token; when it fails with `authExpired`, drop that token, log in again and retry
   * once. A second `authExpired` is thrown to the caller.
   */
  run<T>(fn: (token: string) => Promise<T>): Promise<T>;
}

/**
 * A session that lives until the OA refuses it or `ttlSeconds` (from the login answer) run out.
 * `now` is injectable for tests.
 */
export function createSession(
  login: () => Promise<{ token: string; ttlSeconds?: number }>,
  now: () => number = Date.now,
): Session {
  let current: { token: string; expiresAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  function get(): Promise<string> {
    if (current && current.expiresAt > now()) return Promise.resolve(current.token);
    if (!inFlight) {
      inFlight = login()
        .then(({ token, ttlSeconds }) => {
          // Renew a little early so no call starts with a token about to lapse.
          const margin = ttlSeconds === undefined ? 0 : Math.min(60, ttlSeconds / 10);
          current = {
            token,
            expiresAt:
              ttlSeconds === undefined ? Number.POSITIVE_INFINITY : now() + (ttlSeconds - margin) * 1000,
          };
          return token;
        })
        .finally(() => {
          inFlight = null;
        });
    }
    return inFlight;
  }

  return {
    get,
    async run(fn) {
      const token = await get();
      try {
        return await fn(token);
      } catch (error) {
        if (!isAuthExpired(error)) throw error;
        if (current?.token === token) current = null;
        return fn(await get());
      }
    },
  };
}
