/**
 * The cache port: string values with a time to live. In-process when REDIS_URL is unset, Redis
 * otherwise; both pass the same conformance suite (cache.test.ts).
 */
export interface Cache {
  get(key: string): Promise<string | null>;
  /** Stores `value`; `ttlSeconds` > 0 (fractions allowed, rounded up to a millisecond). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores only when absent; true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
