import { randomUUID } from 'node:crypto';
import { DingtalkApiError, DingtalkTransportError, DingtalkV1ApiError } from '@gcrm/connectors/dingtalk';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { deleteRedisPrefix, redisUrl } from '../../test/test-env';
import {
  memoryRateLimiters,
  type RateLimiter,
  type RateLimiterFactory,
  redisRateLimiters,
} from '../platform/ratelimit/rate-limit';
import { fullJitterDelay } from './backoff';
import { classifyByKind, errorText } from './classify';
import { DestinationLimiter } from './rate-limiter';

describe('full-jitter backoff', () => {
  it('stays within [0, min(cap, base·2^(n-1))) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (n, r) => {
          const options = { baseMs: 100, capMs: 60_000, maxAttempts: 8 };
          const delay = fullJitterDelay(n, options, () => r);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(60_000, 100 * 2 ** Math.max(n - 1, 0)) + 1);
        },
      ),
    );
  });
});

describe('classifyByKind', () => {
  it("reads the connectors' kinds and waits", () => {
    expect(classifyByKind(new DingtalkApiError('/x', 90018, 'qps'))).toEqual({
      kind: 'rateLimited',
      retryAfterMs: 1000,
    });
    expect(classifyByKind(new DingtalkTransportError('/x', 'timeout'))).toEqual({ kind: 'retryable' });
    expect(classifyByKind(new DingtalkV1ApiError('/x', 400, { code: 'paramError' }))).toEqual({
      kind: 'permanent',
    });
    expect(classifyByKind(new DingtalkApiError('/x', 40014, 'token'))).toEqual({ kind: 'retryable' });
    expect(classifyByKind({ kind: 'refused' })).toEqual({ kind: 'refused' });
    expect(classifyByKind({ kind: 'authExpired' })).toEqual({ kind: 'retryable' });
  });

  it('anything at all: a kind, never a throw; error text at most 500 characters', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(['permanent', 'refused', 'rateLimited', 'retryable']).toContain(classifyByKind(value).kind);
        expect(errorText(value).length).toBeLessThanOrEqual(500);
      }),
    );
    expect(errorText(new Error('y'.repeat(900)))).toHaveLength(500);
  });
});

describe('DestinationLimiter', () => {
  it('lets qps through per second, then asks to wait; a rate-limit answer pauses and halves the rate', async () => {
    let now = 1_000_000;
    const limiter = new DestinationLimiter({ qps: { a: 20 }, now: () => now });
    const waits: number[] = [];
    for (let i = 0; i < 21; i++) waits.push(await limiter.acquire('a'));
    expect(waits.slice(0, 20).every((w) => w === 0)).toBe(true);
    expect(waits[20]).toBe(50); // one token per 50 ms at 20/s
    now += 50;
    expect(await limiter.acquire('a')).toBe(0);
    limiter.slowDown('a', 1000);
    expect(limiter.pausedUntil('a')).toBe(now + 1000);
    expect(await limiter.acquire('a')).toBe(1000);
    now += 1000;
    // Half rate now: 10/s refills one token per 100 ms.
    expect(await limiter.acquire('a')).toBe(0);
    expect(await limiter.acquire('a')).toBe(0);
    expect(await limiter.acquire('b')).toBe(0); // not limited
    limiter.slowDown('b', 200);
    expect(await limiter.acquire('b')).toBe(200);
  });

  it('over the shared port (Redis when configured): all instances together keep to qps', async () => {
    const redis = redisUrl ? new Redis(redisUrl) : undefined;
    const prefix = `gcrm-test:delivery-${randomUUID()}:`;
    // In memory, one limiter per rule name stands in for the one Redis all instances share.
    const memory = memoryRateLimiters();
    const cache = new Map<string, RateLimiter>();
    const shared: RateLimiterFactory = redis
      ? redisRateLimiters(redis, prefix)
      : (rule) => cache.get(rule.name) ?? cache.set(rule.name, memory(rule)).get(rule.name)!;
    try {
      const one = new DestinationLimiter({ qps: { a: 5 }, shared });
      const two = new DestinationLimiter({ qps: { a: 5 }, shared });
      const waits = [];
      for (let i = 0; i < 5; i++) waits.push(await one.acquire('a'), await two.acquire('a'));
      expect(waits.filter((w) => w === 0)).toHaveLength(5);
      expect(waits.filter((w) => w > 0).every((w) => w >= 1000)).toBe(true);
    } finally {
      if (redis) {
        await deleteRedisPrefix(redisUrl!, prefix);
        redis.disconnect();
      }
    }
  });
});
