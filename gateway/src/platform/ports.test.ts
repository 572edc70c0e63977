import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisPrefix, redisUrl } from '../../test/test-env';
import type { Cache } from './cache/cache';
import { createMemoryCache } from './cache/memory-cache';
import { createRedisCache } from './cache/redis-cache';
import type { LockManager } from './lock/lock';
import { createMemoryLocks } from './lock/memory-lock';
import { createRedisLocks } from './lock/redis-lock';
import { memoryRateLimiters, type RateLimiterFactory, redisRateLimiters } from './ratelimit/rate-limit';

interface Impl {
  name: string;
  cache: Cache;
  locks: LockManager;
  limiters: RateLimiterFactory;
}

const prefix = `gcrm-test:ports-${randomUUID()}:`;
const impls: Impl[] = [
  { name: 'memory', cache: createMemoryCache(), locks: createMemoryLocks(), limiters: memoryRateLimiters() },
];
let redis: Redis | undefined;
// The Redis implementations run where the suite runs on Redis (npm run test:mysql, CI).
if (redisUrl) {
  redis = new Redis(redisUrl);
  impls.push({
    name: 'redis',
    cache: createRedisCache(redis, prefix),
    locks: createRedisLocks(redis, prefix),
    limiters: redisRateLimiters(redis, prefix),
  });
}

afterAll(async () => {
  if (redis && redisUrl) {
    redis.disconnect();
    await deleteRedisPrefix(redisUrl, prefix);
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(impls)('ports conformance: $name', ({ cache, locks, limiters }) => {
  it('cache: set, get, expire, delete', async () => {
    const k = randomUUID();
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, '值', 0.15);
    expect(await cache.get(k)).toBe('值');
    await sleep(200);
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, 'v', 60);
    await cache.del(k);
    expect(await cache.get(k)).toBeNull();
    await cache.ping();
  });

  it('cache: setIfAbsent stores once until the entry expires', async () => {
    const k = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => cache.setIfAbsent(k, String(i), 0.15)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await sleep(200);
    expect(await cache.setIfAbsent(k, 'again', 60)).toBe(true);
  });

  it('lock: one holder at a time, released by its holder only, expires by itself', async () => {
    const k = randomUUID();
    const leases = await Promise.all(Array.from({ length: 10 }, () => locks.tryAcquire(k, 150)));
    const held = leases.filter((l) => l !== null);
    expect(held).toHaveLength(1);
    await sleep(200);
    const next = await locks.tryAcquire(k, 5000);
    expect(next).not.toBeNull();
    await held[0]!.release(); // the expired holder must not free the new lease
    expect(await locks.tryAcquire(k, 5000)).toBeNull();
    await next!.release();
    expect(await locks.withLock(k, 5000, async () => 'ran')).toBe('ran');
  });

  it('lock: withLock does not run the work while another holds the lease', async () => {
    const k = randomUUID();
    const lease = await locks.tryAcquire(k, 5000);
    let ran = false;
    expect(await locks.withLock(k, 5000, async () => (ran = true))).toBeNull();
    expect(ran).toBe(false);
    await lease!.release();
  });

  it('rate limit: allows the window points, then refuses with a retry time', async () => {
    const limiter = limiters({ name: `t-${randomUUID()}`, points: 5, durationSeconds: 60 });
    const decisions = [];
    for (let i = 0; i < 7; i++) decisions.push(await limiter.consume('ip-1'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(decisions[5]!.retryAfterSeconds).toBeGreaterThan(0);
    expect((await limiter.consume('ip-2')).allowed).toBe(true);
  });
});
