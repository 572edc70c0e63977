import type { Middleware } from 'koa';
import { errors } from '../errors';
import type { RateLimiter } from '../ratelimit/rate-limit';

/** Limits requests per client address (behind a proxy, set TRUST_PROXY so that ctx.ip is the client's). */
export function limitByIp(limiter: RateLimiter, code = 'rate_limited'): Middleware {
  return async function rateLimitMiddleware(ctx, next) {
    const decision = await limiter.consume(ctx.ip || 'unknown');
    if (!decision.allowed) throw errors.tooManyRequests(decision.retryAfterSeconds, code);
    await next();
  };
}
