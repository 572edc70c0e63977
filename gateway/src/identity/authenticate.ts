import type { Middleware } from 'koa';
import { errors } from '../platform/errors';
import type { IdentityService } from './identity.service';

/** The signed-in citizen, set on `ctx.state.citizen` by {@link authenticateCitizen}. */
export interface CitizenPrincipal {
  id: string;
  sessionId: string;
}

export function authenticateCitizen(identity: IdentityService): Middleware {
  return async function authenticateMiddleware(ctx, next) {
    const header = ctx.get('Authorization');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw errors.unauthorized('unauthorized', '请先登录（缺少 Authorization: Bearer 访问令牌）');
    const claims = await identity.authenticate(match[1]!);
    if (!claims) throw errors.unauthorized('token_invalid', '访问令牌无效或已过期，请刷新或重新登录');
    ctx.state.citizen = { id: claims.sub, sessionId: claims.sid } satisfies CitizenPrincipal;
    await next();
  };
}
