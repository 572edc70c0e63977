import type { Middleware } from 'koa';
import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { IdentityService } from './identity.service';
import type { StaffSessions } from './staff/staff-sessions';

const StaffSandboxLoginBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffId'],
  properties: { staffId: { type: 'string', title: '工作人员编号', pattern: '^[A-Za-z0-9_.-]{1,64}$' } },
};

/**
 * Staff sign-in of the sandbox (embedded mode and tests only, never mounted in production): a staff
 * member of the seeded org directory gets an access token by id. DingTalk and WeCom silent login
 * (免登) replace it with the identity issue.
 */
export function staffSandboxRoutes(
  api: RouteDefiner,
  identity: IdentityService,
  isActiveStaff: (id: string) => boolean,
  loginLimit: Middleware,
  sessions: StaffSessions,
) {
  api.define({
    method: 'post',
    path: '/auth/staff/sandbox',
    operationId: 'staffSandboxLogin',
    summary: '工作人员沙箱登录（仅嵌入式/测试环境）',
    description: '按组织架构中的工作人员编号签发访问令牌；生产环境不提供此接口，改用钉钉/企业微信免登。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    body: StaffSandboxLoginBody,
    responses: { 200: { description: '访问令牌' }, 401: { description: '无此在职工作人员' } },
    handler: async (ctx) => {
      const { staffId } = ctx.state.body as { staffId: string };
      if (!isActiveStaff(staffId)) throw errors.unauthorized('staff_unknown', '无此在职工作人员');
      const sid = await sessions.open(staffId, 'sandbox', { ip: ctx.ip });
      ctx.body = await identity.staffToken(staffId, sid);
    },
  });
}
