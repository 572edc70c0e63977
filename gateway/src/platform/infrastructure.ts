import type { AppConfig } from '@gcrm/config';
import { Redis } from 'ioredis';
import type { Cache } from './cache/cache';
import { createMemoryCache } from './cache/memory-cache';
import { createRedisCache } from './cache/redis-cache';
import { createDatabase, type Database } from './db/database';
import type { LockManager } from './lock/lock';
import { createMemoryLocks } from './lock/memory-lock';
import { createRedisLocks } from './lock/redis-lock';
import { memoryRateLimiters, type RateLimiterFactory, redisRateLimiters } from './ratelimit/rate-limit';

/** The ports every context is built on, chosen by configuration: embedded (SQLite + in-process) or MySQL + Redis. */
export interface Infrastructure {
  database: Database;
  cache: Cache;
  locks: LockManager;
  rateLimiters: RateLimiterFactory;
  redis?: Redis;
  close(): Promise<void>;
}

export function createInfrastructure(config: AppConfig, redisPrefix = 'gcrm:'): Infrastructure {
  const database = createDatabase(config.database);
  if (!config.redisUrl) {
    const cache = createMemoryCache();
    return {
      database,
      cache,
      locks: createMemoryLocks(),
      rateLimiters: memoryRateLimiters(),
      close: async () => {
        await cache.close();
        await database.close();
      },
    };
  }
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; without a listener an outage would be an unhandled 'error' event.
  redis.on('error', () => {});
  return {
    database,
    cache: createRedisCache(redis, redisPrefix),
    locks: createRedisLocks(redis, redisPrefix),
    rateLimiters: redisRateLimiters(redis, redisPrefix),
    redis,
    close: async () => {
      await database.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
