import type { Context, Middleware } from 'koa';
import { errors } from '../../platform/errors';
import type { JsonSchema, RouteDefiner } from '../../platform/http/route';
import type { StaffPrincipal } from '../authenticate';
import type { IdentityService } from '../identity.service';
import type { AdminLogin } from './admin-login';
import type { StaffSessions } from './staff-sessions';

const staffId = { type: 'string', title: '工作人员编号', pattern: '^[A-Za-z0-9_.-]{1,64}$' };

const AdminLoginBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffId', 'password', 'totp'],
  properties: {
    staffId,
    password: { type: 'string', minLength: 1, maxLength: 128 },
    totp: { type: 'string', title: '动态验证码', pattern: '^[0-9]{6}$' },
  },
};

const CredentialsBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['password'],
  properties: { password: { type: 'string', minLength: 1, maxLength: 128 } },
};

const IdParams: JsonSchema = { type: 'object', required: ['id'], properties: { id: staffId } };
const SessionParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
};

const meta = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('User-Agent') || undefined });
const me = (ctx: Context) => ctx.state.staff as StaffPrincipal;

/** Admin console sign-in (password + TOTP), staff sessions (refresh, list, sign out), credentials. */
export function staffAuthRoutes(
  api: RouteDefiner,
  identity: IdentityService,
  login: AdminLogin,
  sessions: StaffSessions,
  loginLimit: Middleware,
  isActiveStaff: (id: string) => boolean,
) {
  api.define({
    method: 'post',
    path: '/auth/admin/login',
    operationId: 'adminLogin',
    summary: '管理控制台登录（密码 + 动态验证码）',
    description: '15 分钟内连续失败 5 次锁定账号；会话 30 分钟无操作或 12 小时后失效。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    body: AdminLoginBody,
    responses: {
      200: { description: '访问令牌' },
      401: { description: '账号、密码或验证码不正确' },
      429: { description: '账号已锁定' },
    },
    handler: async (ctx) => {
      const body = ctx.state.body as { staffId: string; password: string; totp: string };
      const who = await login.verify(body.staffId, body.password, body.totp);
      const sid = await sessions.open(who, 'password+totp', meta(ctx));
      ctx.body = await identity.staffToken(who, sid);
    },
  });

  api.define({
    method: 'post',
    path: '/auth/staff/refresh',
    operationId: 'staffRefresh',
    summary: '续期工作人员访问令牌（会话有效时）',
    description:
      '以当前访问令牌续期；令牌过期不超过 30 分钟且会话仍有效（未超时、未注销）时也可续期，否则须重新登录。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    responses: { 200: { description: '新的访问令牌' }, 401: { description: '会话已结束，请重新登录' } },
    handler: async (ctx) => {
      const bearer = /^Bearer (\S+)$/i.exec(ctx.get('authorization'))?.[1];
      // The session's own idle limit (30 min) bounds the grace: a token older than that has no session.
      const claims = bearer ? await identity.renewableStaffClaims(bearer, 30 * 60) : null;
      if (!claims || !isActiveStaff(claims.sub) || !(await sessions.touch(claims.sid, claims.sub)))
        throw errors.unauthorized('session_ended', '登录已过期，请重新登录');
      ctx.body = await identity.staffToken(claims.sub, claims.sid);
    },
  });

  api.define({
    method: 'get',
    path: '/staff/sessions',
    operationId: 'mySessions',
    summary: '我的登录会话',
    tags: ['staff'],
    auth: 'staff',
    responses: { 200: { description: '会话列表' } },
    handler: async (ctx) => {
      ctx.body = { items: await sessions.list(me(ctx).id), current: me(ctx).sessionId };
    },
  });

  api.define({
    method: 'delete',
    path: '/staff/sessions/:id',
    operationId: 'revokeMySession',
    summary: '注销我的某个会话（含当前会话）',
    tags: ['staff'],
    auth: 'staff',
    params: SessionParams,
    responses: { 204: { description: '已注销' }, 404: { description: '无此会话' } },
    handler: async (ctx) => {
      await sessions.revoke(me(ctx).id, (ctx.state.params as { id: string }).id);
      ctx.status = 204;
    },
  });

  api.define({
    method: 'put',
    path: '/admin/staff/:id/credentials',
    operationId: 'setStaffCredentials',
    summary: '设置工作人员的管理控制台密码并重新绑定动态验证码（安全管理员）',
    description: '返回的 otpauth 链接只显示这一次。不能为自己设置。',
    tags: ['admin'],
    auth: 'staff',
    permission: 'credentials.manage',
    params: IdParams,
    body: CredentialsBody,
    responses: { 200: { description: '动态验证码绑定信息' }, 403: { description: '不能为自己设置' } },
    handler: async (ctx) => {
      const target = (ctx.state.params as { id: string }).id;
      if (target === me(ctx).id)
        throw errors.forbidden('self_grant', '不能为自己设置凭证，请由另一位安全管理员操作');
      if (!isActiveStaff(target)) throw errors.notFound('staff_not_found', '未找到该工作人员');
      ctx.body = await login.setCredentials(target, (ctx.state.body as { password: string }).password);
    },
  });
}
