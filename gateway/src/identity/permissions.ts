import type { Middleware } from 'koa';
import { errors } from '../platform/errors';

/**
 * What staff may do (RBAC). Roles grant permissions; routes declare the permission they need
 * (`RouteSpec.permission`) and one middleware enforces it. Which rows a permission reaches — the data
 * scope: own department, own and below, all — is decided by each context's policy (e.g. the
 * workflow's `canSee`), where a row outside the scope answers 404, never 403.
 */
export const PERMISSIONS = {
  'tasks.work': '办理待办（本人的任务）',
  'cases.read': '查看本部门（及下级）的办件',
  'cases.urge': '催办',
  'cases.supervise': '督办、改派',
  'reports.read': '查看统计报表',
  'dashboard.read': '查看本部门数据看板',
  'pii.reveal': '查看个人信息原文（需说明目的，留审计记录）',
  'rights.handle': '处理本部门办件的个人信息更正申请',
  'catalog.publish': '发布事项、表单',
  'flows.publish': '发布、迁移流程',
  'rules.publish': '编写、测试、发布政策规则，模拟发布影响',
  'workflow.integrate': '回报外部系统的办理结果',
  'org.sync': '从钉钉、企业微信同步组织架构',
  'jobs.manage': '查看、立即运行定时任务',
  'roles.grant': '授予、收回角色',
  'credentials.manage': '设置工作人员的登录凭证',
  'audit.read': '查看审计日志',
} as const;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permissions per role. The three separated administrators (三员) do no casework, and the business
 * roles administer nothing: a 系统管理员 configures, a 安全管理员 grants, an 审计管理员 reads the audit log.
 */
export const ROLE_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  clerk: ['tasks.work', 'cases.read', 'cases.urge', 'rights.handle', 'dashboard.read'],
  approver: ['tasks.work', 'cases.read', 'cases.urge', 'dashboard.read'],
  'department-head': [
    'tasks.work',
    'cases.read',
    'cases.urge',
    'reports.read',
    'dashboard.read',
    'pii.reveal',
    'rights.handle',
  ],
  supervisor: ['tasks.work', 'cases.read', 'cases.urge', 'cases.supervise', 'reports.read', 'dashboard.read'],
  'report-viewer': ['reports.read', 'dashboard.read'],
  'system-admin': [
    'catalog.publish',
    'flows.publish',
    'rules.publish',
    'workflow.integrate',
    'org.sync',
    'jobs.manage',
  ],
  'security-admin': ['roles.grant', 'credentials.manage'],
  'audit-admin': ['audit.read'],
};

/** Whether any of `roles` grants `permission`. */
export function grants(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission));
}

/**
 * 403 unless the signed-in staff member's roles (in any department) grant `permission`. A request
 * authenticated with the integration token (ctx.state.admin) passes: it is a machine, not a person.
 */
export function requirePermission(
  rolesOf: (staffId: string) => readonly string[],
): (permission: string) => Middleware {
  return (permission) =>
    async function permissionMiddleware(ctx, next) {
      if (ctx.state.admin) return next();
      const staff = ctx.state.staff as { id: string } | undefined;
      if (!staff) throw errors.unauthorized('unauthorized', '请先登录');
      if (!grants(rolesOf(staff.id), permission as Permission)) {
        throw errors.forbidden('permission_denied', '您的角色没有此操作的权限');
      }
      await next();
    };
}
