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
  it('paces qps per second, never more than qps in any second; a rate-limit answer pauses and halves the rate', async () => {
    let now = 1_000_000;
    const limiter = new DestinationLimiter({ qps: { a: 20 }, now: () => now });
    /** Callers that sleep what they are told, each sleep running 0–3 ms late; returns the grant times. */
    const run = async (untilMs: number) => {
      const grants: number[] = [];
      let late = 0;
      while (now < untilMs) {
        const wait = await limiter.acquire('a');
        if (wait === 0) {
          grants.push(now);
          limiter.finished('a');
        } else now += wait + (late++ % 4);
      }
      return grants;
    };
    const maxInAnySecond = (grants: number[]) =>
      Math.max(...grants.map((t, i) => grants.filter((u, j) => j >= i && u < t + 1000).length));
    const first = await run(now + 10_000);
    expect(first.length).toBeGreaterThanOrEqual(190); // 20/s within 5 %, timers running late
    expect(first.length).toBeLessThanOrEqual(201);
    expect(maxInAnySecond(first)).toBeLessThanOrEqual(20);
    expect(first[1]! - first[0]!).toBeGreaterThanOrEqual(25); // paced, not a burst

    limiter.slowDown('a', 1000);
    expect(limiter.pausedUntil('a')).toBe(now + 1000);
    expect(await limiter.acquire('a')).toBe(1000);
    now += 1000;
    // Half rate now: about 10/s (regained by 5 % per success, which the limiter is not told of here).
    const halved = await run(now + 2000);
    expect(halved.length).toBeGreaterThanOrEqual(18);
    expect(halved.length).toBeLessThanOrEqual(22);
    expect(await limiter.acquire('b')).toBe(0); // not limited
    limiter.finished('b');
    limiter.slowDown('b', 200);
    expect(await limiter.acquire('b')).toBe(200);
  });

  it('counts sends still waiting for their answer: no qps + 1 reach the platform in a second, however late they left', async () => {
    let now = 1_000_000;
    const limiter = new DestinationLimiter({ qps: { a: 5 }, now: () => now });
    for (let i = 0; i < 5; i++) {
      expect(await limiter.acquire('a')).toBe(0);
      now += 200;
    }
    now += 5000; // all five still unanswered
    expect(await limiter.acquire('a')).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) limiter.finished('a');
    expect(await limiter.acquire('a')).toBe(1005); // a second (and a little) after their answers
    now += 1005;
    expect(await limiter.acquire('a')).toBe(0);
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
      // Each instance paces itself (one send per 200 ms at 5/s); its clock moves on by that each round.
      let now = 1_000_000;
      const one = new DestinationLimiter({ qps: { a: 5 }, shared, now: () => now });
      const two = new DestinationLimiter({ qps: { a: 5 }, shared, now: () => now });
      const waits = [];
      for (let i = 0; i < 5; i++) {
        waits.push(await one.acquire('a'), await two.acquire('a'));
        now += 200;
      }
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
