import { DingtalkApiError, DingtalkIpBannedError, DingtalkTransportError } from '@gcrm/connectors/dingtalk';
import { WecomApiError, WecomTransportError } from '@gcrm/connectors/wecom';
import type { Middleware } from 'koa';
import { AppError, errors } from '../../platform/errors';
import type { JsonSchema, RouteDefiner } from '../../platform/http/route';
import type { IdentityService } from '../identity.service';
import type { StaffSessions } from './staff-sessions';

/** A platform staff sign in with: its one-time code → the platform's user. */
export interface StaffSsoProvider {
  provider: 'dingtalk' | 'wecom';
  identify(code: string): Promise<{ userId: string; unionId?: string }>;
}

/** Which staff member an outside user is (the org directory's identity links). */
export type StaffOfIdentity = (
  provider: 'dingtalk' | 'wecom',
  userId: string,
  unionId?: string,
) => Promise<string | undefined>;

const CodeBody = (field: string, title: string): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: [field],
  properties: {
    [field]: { type: 'string', title, minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' },
  },
});

const NAMES = { dingtalk: '钉钉', wecom: '企业微信' } as const;

/** The platform's answer in words for staff; none says which code or user was involved. */
function fromPlatform(provider: 'dingtalk' | 'wecom', error: unknown): unknown {
  const name = NAMES[provider];
  if (error instanceof DingtalkApiError || error instanceof WecomApiError) {
    if (error.throttled)
      return errors.tooManyRequests(
        Math.ceil((error.retryAfterMs ?? 1000) / 1000),
        `${provider}_rate_limited`,
      );
    // 40078 (DingTalk: no such temporary code), 40029 (WeCom: invalid code): used, expired or made up.
    if (error.errcode === 40078 || error.errcode === 40029) {
      return errors.unauthorized(
        `${provider}_code_invalid`,
        `${name}登录凭证无效或已使用，请在${name}中重新打开应用`,
      );
    }
    return new AppError({
      status: 502,
      code: `${provider}_error`,
      title: `${name}服务异常`,
      detail: `${name}登录服务返回错误，请稍后重试或联系管理员`,
      level: 'warn',
    });
  }
  if (error instanceof DingtalkIpBannedError)
    return errors.unavailable(`${provider}_busy`, `${name}服务繁忙，请稍后重试`, 60);
  if (error instanceof DingtalkTransportError || error instanceof WecomTransportError) {
    return errors.unavailable(`${provider}_unreachable`, `暂时无法连接${name}，请稍后重试`);
  }
  return error;
}

/**
 * Staff 免登 inside DingTalk (`dd.requestAuthCode` → authCode) and WeCom (OAuth code): the platform
 * tells who the user is; the org directory's identity links tell which staff member that is (the org
 * sync links every member it brings in). An unlinked or departed user gets 403, not a new account.
 */
export function staffSsoRoutes(
  api: RouteDefiner,
  identity: IdentityService,
  sessions: StaffSessions,
  staffOf: StaffOfIdentity,
  isActiveStaff: (id: string) => boolean,
  providers: StaffSsoProvider[],
  loginLimit: Middleware,
) {
  for (const p of providers) {
    const field = p.provider === 'dingtalk' ? 'authCode' : 'code';
    api.define({
      method: 'post',
      path: `/auth/${p.provider}`,
      operationId: p.provider === 'dingtalk' ? 'loginWithDingtalk' : 'loginWithWecom',
      summary: `${NAMES[p.provider]}免登（工作人员）`,
      description: `用${NAMES[p.provider]}的一次性登录码换取工作人员会话；账号须已通过组织架构同步关联。`,
      tags: ['auth'],
      auth: 'none',
      before: [loginLimit],
      body: CodeBody(field, `${NAMES[p.provider]}登录码`),
      responses: {
        200: { description: '访问令牌' },
        401: { description: '登录码无效、过期或已使用' },
        403: { description: '该账号未关联在职工作人员' },
        503: { description: `${NAMES[p.provider]}暂时不可用` },
      },
      handler: async (ctx) => {
        const code = (ctx.state.body as Record<string, string>)[field]!;
        let user: { userId: string; unionId?: string };
        try {
          user = await p.identify(code);
        } catch (error) {
          throw fromPlatform(p.provider, error);
        }
        const staffId = await staffOf(p.provider, user.userId, user.unionId);
        if (!staffId || !isActiveStaff(staffId)) {
          throw errors.forbidden(
            'staff_not_linked',
            `该${NAMES[p.provider]}账号未关联在职工作人员，请联系管理员同步组织架构`,
          );
        }
        const sid = await sessions.open(staffId, p.provider, {
          ip: ctx.ip,
          userAgent: ctx.get('User-Agent') || undefined,
        });
        ctx.body = await identity.staffToken(staffId, sid);
      },
    });
  }
}
