import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { errors } from '../errors';

/**
 * Admin routes: the integration bearer token (ADMIN_API_TOKEN, compared in constant time) for machines
 * such as a deployment pipeline publishing the catalog, or else `orElse` (a staff member's token; the
 * route's permission is then checked by RBAC). Without a configured token and without `orElse` the
 * admin API is closed.
 */
export function adminToken(expected: string | undefined, orElse?: Middleware): Middleware {
  const want = expected ? createHash('sha256').update(expected).digest() : undefined;
  return async function adminAuthMiddleware(ctx, next) {
    const match = /^Bearer (\S+)$/.exec(ctx.get('Authorization'));
    const got = match ? createHash('sha256').update(match[1]!).digest() : undefined;
    if (want && got && timingSafeEqual(got, want)) {
      ctx.state.admin = { id: 'admin-token' };
      return next();
    }
    if (orElse) return orElse(ctx, next);
    if (!want) throw errors.forbidden('admin_api_disabled', '管理接口未启用（未配置 ADMIN_API_TOKEN）');
    throw errors.unauthorized('admin_token_invalid', '管理令牌无效');
  };
}
