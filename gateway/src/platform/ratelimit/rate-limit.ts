/**
 * The rate-limit port: fixed windows of `points` per `durationSeconds` per key, counted in this
 * process or in Redis (shared by all instances). Backed by rate-limiter-flexible.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (≥ 1). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateDecision>;
}

export interface RateLimitRule {
  name: string;
  points: number;
  durationSeconds: number;
}

export type RateLimiterFactory = (rule: RateLimitRule) => RateLimiter;

function wrap(limiter: RateLimiterMemory | RateLimiterRedis): RateLimiter {
  return {
    async consume(key, points = 1) {
      try {
        const res = await limiter.consume(key, points);
        return {
          allowed: true,
          remaining: res.remainingPoints,
          retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
        };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return {
          allowed: false,
          remaining: 0,
          retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
        };
      }
    },
  };
}

export function memoryRateLimiters(): RateLimiterFactory {
  return (rule) =>
    wrap(
      new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: rule.durationSeconds }),
    );
}

export function redisRateLimiters(redis: Redis, prefix: string): RateLimiterFactory {
  return (rule) =>
    wrap(
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}rl:${rule.name}`,
        points: rule.points,
        duration: rule.durationSeconds,
        // A Redis outage must not take logins down with it: fall back to per-process counting.
        insuranceLimiter: new RateLimiterMemory({ points: rule.points, duration: rule.durationSeconds }),
      }),
    );
}
