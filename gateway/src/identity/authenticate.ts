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
    // A staff token is no citizen token (and the other way round): the same answer as a bad token.
    if (claims?.role !== 'citizen') {
      throw errors.unauthorized('token_invalid', '访问令牌无效或已过期，请刷新或重新登录');
    }
    ctx.state.citizen = { id: claims.sub, sessionId: claims.sid } satisfies CitizenPrincipal;
    await next();
  };
}

/** The signed-in staff member, set on `ctx.state.staff` by {@link authenticateStaff}. */
export interface StaffPrincipal {
  id: string;
  sessionId: string;
}

/**
 * Staff requests: a valid staff access token whose subject is still an active member of the org
 * directory (someone who left is locked out at once, not when the token expires).
 */
export function authenticateStaff(
  identity: IdentityService,
  isActiveStaff: (id: string) => boolean,
  sessionAlive: (sessionId: string, staffId: string) => Promise<boolean>,
): Middleware {
  return async function authenticateStaffMiddleware(ctx, next) {
    const header = ctx.get('Authorization');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw errors.unauthorized('unauthorized', '请先登录（缺少 Authorization: Bearer 访问令牌）');
    const claims = await identity.authenticate(match[1]!);
    if (claims?.role !== 'staff' || !isActiveStaff(claims.sub)) {
      throw errors.unauthorized('token_invalid', '访问令牌无效或已过期，请重新登录');
    }
    // The session, not only the token: idle 30 minutes, 12 hours old or signed out ends it at once.
    if (!(await sessionAlive(claims.sid, claims.sub))) {
      throw errors.unauthorized('session_expired', '登录已超时或已注销，请重新登录');
    }
    ctx.state.staff = { id: claims.sub, sessionId: claims.sid } satisfies StaffPrincipal;
    await next();
  };
}
