import { WechatApiError, WechatTransportError } from '@gcrm/connectors/wechat';
import type { Middleware } from 'koa';
import { AppError, errors } from '../platform/errors';
import type { RouteDefiner } from '../platform/http/route';
import { LoginView, RefreshBody, SessionTokensView, WechatLoginBody } from './identity.schema';
import type { IdentityService, WechatLogin } from './identity.service';

/** WeChat's answer, in words for the citizen; none of them says which code or user was involved. */
function fromWechat(error: unknown): unknown {
  if (error instanceof WechatApiError) {
    switch (error.errcode) {
      case 40029:
      case 40163:
        return errors.unauthorized('wechat_code_invalid', '微信登录凭证无效或已使用，请重新进入小程序登录');
      case 45011:
        return errors.tooManyRequests(60, 'wechat_rate_limited');
      case 40226:
        return errors.forbidden('wechat_user_blocked', '该微信账号存在风险，暂时无法登录');
      case -1:
        return errors.unavailable('wechat_busy', '微信服务繁忙，请稍后重试', 2);
      default:
        return new AppError({
          status: 502,
          code: 'wechat_error',
          title: '微信服务异常',
          detail: '微信登录服务返回错误，请稍后重试或联系管理员',
          level: 'warn',
        });
    }
  }
  if (error instanceof WechatTransportError)
    return errors.unavailable('wechat_unreachable', '暂时无法连接微信服务，请稍后重试');
  return error;
}

export function identityRoutes(
  api: RouteDefiner,
  identity: IdentityService,
  wechat: WechatLogin,
  loginLimit: Middleware,
) {
  api.define({
    method: 'post',
    path: '/auth/wechat',
    operationId: 'loginWithWechat',
    summary: '微信小程序登录',
    description:
      '用 wx.login() 的 code 换取会话：短期访问令牌（JWT）和一次性刷新令牌。session_key 不会离开网关。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    body: WechatLoginBody,
    responses: {
      200: { description: '登录成功', schema: LoginView },
      401: { description: '登录凭证无效、过期或已使用' },
      503: { description: '微信服务暂时不可用' },
    },
    handler: async (ctx) => {
      try {
        ctx.body = await identity.loginWithWechat(wechat, (ctx.state.body as { code: string }).code);
      } catch (error) {
        throw fromWechat(error);
      }
      ctx.set('Cache-Control', 'no-store');
    },
  });

  api.define({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refreshSession',
    summary: '刷新访问令牌',
    description: '刷新令牌一次有效；重复使用旧的刷新令牌会注销整个登录。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    body: RefreshBody,
    responses: {
      200: { description: '新的令牌', schema: SessionTokensView },
      401: { description: '刷新令牌无效、过期或被重复使用' },
    },
    handler: async (ctx) => {
      ctx.body = await identity.refresh((ctx.state.body as { refreshToken: string }).refreshToken);
      ctx.set('Cache-Control', 'no-store');
    },
  });

  api.define({
    method: 'post',
    path: '/auth/logout',
    operationId: 'logout',
    summary: '退出登录',
    tags: ['auth'],
    auth: 'none',
    body: RefreshBody,
    responses: { 204: { description: '已退出；该登录的所有令牌失效' } },
    handler: async (ctx) => {
      await identity.logout((ctx.state.body as { refreshToken: string }).refreshToken);
      ctx.status = 204;
    },
  });
}
