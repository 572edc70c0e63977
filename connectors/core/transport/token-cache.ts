/**
 * Shared key/value store for access tokens (Redis in the gateway, memory in tests).
 * Values must expire after `ttlSeconds`. One port for every connector.
 */
export interface TokenCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}
