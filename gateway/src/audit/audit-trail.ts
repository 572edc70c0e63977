import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors';
import { describeUnexpected } from '../platform/logger';
import type { AuditResult } from './audit.types';
import type { AuditLog } from './audit-log';

/** What the trail needs to know of a route (its declaration in the route registry). */
export interface AuditedRoute {
  operationId: string;
  method: string;
  auth: string;
  permission?: string;
}

const SIGN_IN = new Set([
  'loginWithWechat',
  'refreshSession',
  'logout',
  'staffSandboxLogin',
  'adminLogin',
  'staffRefresh',
  'revokeMySession',
]);

/** Permissions of the 三员 (configuration, credentials, identities, org). */
const ADMIN_PERMISSIONS = new Set([
  'catalog.publish',
  'flows.publish',
  'rules.publish',
  'workflow.integrate',
  'org.sync',
  'roles.grant',
  'credentials.manage',
]);

/** Administrative changes: fail-closed (the attempt is on record before anything happens). */
const isAdmin = (route: AuditedRoute) =>
  route.auth === 'admin' || (route.permission !== undefined && ADMIN_PERMISSIONS.has(route.permission));

function actorOf(ctx: Context): { actorType: string; actorId: string | null } {
  const state = ctx.state as {
    staff?: { id: string };
    citizen?: { id: string };
    admin?: { id: string };
    body?: { staffId?: unknown };
  };
  if (state.staff) return { actorType: 'staff', actorId: state.staff.id };
  if (state.citizen) return { actorType: 'citizen', actorId: state.citizen.id };
  if (state.admin) return { actorType: 'admin', actorId: state.admin.id };
  // A failed staff sign-in names the account it tried (an id, not personal data).
  const tried = state.body?.staffId;
  return typeof tried === 'string'
    ? { actorType: 'anonymous', actorId: tried.slice(0, 64) }
    : { actorType: 'anonymous', actorId: null };
}

function resultOf(status: number): AuditResult {
  if (status < 400) return 'success';
  return status === 403 || status === 429 ? 'denied' : 'failure';
}

/**
 * The audit trail of the HTTP API: every sign-in (and its failure or lockout), and every change made by
 * staff or an administrator, gets an audit row with the actor, the operation, the object (the path's
 * id), the result, IP and request id — never a body. `outcome` wraps the whole route, so refusals (401,
 * 403, 429) are recorded too; `attempt` runs after authorization on administrative routes and writes
 * first: if the audit log cannot be written, the change is not made (fail-closed).
 */
export function auditTrail(audit: AuditLog, log: Logger) {
  const audited = (route: AuditedRoute) =>
    SIGN_IN.has(route.operationId) ||
    (route.method !== 'get' && (route.auth === 'staff' || route.auth === 'admin'));

  const entry = (
    ctx: Context,
    route: AuditedRoute,
    action: string,
    result: AuditResult,
    status: number,
    code?: string,
  ) => ({
    ...actorOf(ctx),
    action,
    objectType: (ctx.params as { id?: string } | undefined)?.id ? route.operationId : null,
    objectId: (ctx.params as { id?: string } | undefined)?.id ?? null,
    result,
    ip: ctx.ip,
    requestId: (ctx.state as { requestId?: string }).requestId ?? null,
    details: { status, ...(code ? { code } : {}) },
  });

  return {
    outcome(route: AuditedRoute): Middleware | undefined {
      if (!audited(route)) return undefined;
      return async function auditOutcome(ctx, next) {
        let status = 500;
        let code: string | undefined;
        try {
          await next();
          status = ctx.status;
        } catch (error) {
          status = error instanceof AppError ? error.status : 500;
          code = error instanceof AppError ? error.code : undefined;
          throw error;
        } finally {
          const action = code === 'account_locked' ? 'auth.lockout' : route.operationId;
          await audit
            .append(entry(ctx, route, action, resultOf(status), status, code))
            .catch((error) => log.error({ err: describeUnexpected(error) }, 'audit: outcome not written'));
        }
      };
    },
    attempt(route: AuditedRoute): Middleware | undefined {
      if (!isAdmin(route) || route.method === 'get') return undefined;
      return async function auditAttempt(ctx, next) {
        try {
          await audit.append(entry(ctx, route, `${route.operationId}.attempt`, 'success', 0));
        } catch (error) {
          log.error({ err: describeUnexpected(error) }, 'audit: attempt not written, action refused');
          throw new AppError({
            status: 503,
            code: 'audit_unavailable',
            title: '审计日志不可用',
            detail: '审计日志暂时无法写入，管理操作已拒绝执行，请稍后重试',
            headers: { 'Retry-After': '5' },
            level: 'error',
          });
        }
        await next();
      };
    },
  };
}
