import type { Redis } from 'ioredis';
import type { Cache } from './cache';

/** `prefix` namespaces every key (one Redis may serve several deployments or test runs). */
export function createRedisCache(redis: Redis, prefix: string): Cache {
  const k = (key: string) => prefix + key;
  const ms = (ttlSeconds: number) => Math.max(1, Math.ceil(ttlSeconds * 1000));
  return {
    get: (key) => redis.get(k(key)),
    set: async (key, value, ttlSeconds) => void (await redis.set(k(key), value, 'PX', ms(ttlSeconds))),
    setIfAbsent: async (key, value, ttlSeconds) =>
      (await redis.set(k(key), value, 'PX', ms(ttlSeconds), 'NX')) === 'OK',
    del: async (key) => void (await redis.del(k(key))),
    ping: async () => void (await redis.ping()),
    close: async () => {},
  };
}
