import type { Context, Middleware } from 'koa';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import { isMobile } from '../platform/validation/formats';
import type { CitizenPrincipal } from './authenticate';
import type { IdentityService, WechatLogin } from './identity.service';
import { phoneErrors } from './phone.errors';
import { SendSmsCodeBody } from './phone.schema';

const CitizenSandboxBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    openid: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{6,64}$',
      title: '沙箱微信用户标识（同一标识即同一市民，缺省时新建一位）',
    },
  },
};

/**
 * 市民沙箱登录 for the H5 build in a browser (embedded mode only, with the in-process WeChat simulator):
 * the gateway mints a login code in the simulator for the given sandbox openid and signs in exactly as
 * `POST /auth/wechat` does. Not mounted in production.
 */
export function citizenSandboxRoutes(
  api: RouteDefiner,
  identity: IdentityService,
  wechat: WechatLogin,
  mintLoginCode: (openid: string) => string,
  loginLimit: Middleware,
) {
  api.define({
    method: 'post',
    path: '/auth/sandbox',
    operationId: 'citizenSandboxLogin',
    summary: '市民沙箱登录（仅嵌入式/测试环境，浏览器中的 H5 使用）',
    description: '网关在内置微信模拟器中为沙箱用户签发登录凭证并完成登录；生产环境不提供此接口。',
    tags: ['auth'],
    auth: 'none',
    before: [loginLimit],
    body: CitizenSandboxBody,
    responses: { 200: { description: '登录成功（与微信小程序登录相同）' } },
    handler: async (ctx) => {
      const given = (ctx.state.body as { openid?: string }).openid;
      const openid = given ?? `o-h5-${crypto.randomUUID()}`;
      ctx.body = await identity.loginWithWechat(wechat, mintLoginCode(openid), 'sandbox');
      ctx.set('Cache-Control', 'no-store');
    },
  });
}

/**
 * 沙箱：模拟微信授权手机号 for the H5 build in a browser (embedded mode only, with the in-process WeChat
 * simulator): mints the code `<Button openType="getPhoneNumber">` would hand the mini-program, for the
 * signed-in citizen's openid, to be bound with `POST /me/phone/wechat`. Not mounted in production.
 */
export function citizenSandboxPhoneRoutes(
  api: RouteDefiner,
  openidOf: (citizenId: string) => Promise<string | undefined>,
  mintPhoneCode: (openid: string, phone: string) => string,
) {
  api.define({
    method: 'post',
    path: '/me/phone/sandbox-code',
    operationId: 'citizenSandboxPhoneCode',
    summary: '沙箱：模拟微信授权手机号（仅嵌入式/测试环境，浏览器中的 H5 使用）',
    description:
      '网关在内置微信模拟器中为当前市民签发手机号授权 code（相当于 getPhoneNumber 按钮的回调），再用 POST /me/phone/wechat 绑定；生产环境不提供此接口。',
    tags: ['account'],
    auth: 'citizen',
    body: SendSmsCodeBody,
    responses: {
      200: {
        description: '手机号授权 code（5 分钟内有效，一次有效）',
        schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      },
      422: { description: 'phone_invalid：手机号码不正确（pointer /phone）' },
    },
    handler: async (ctx: Context) => {
      const { phone } = ctx.state.body as { phone: string };
      if (!isMobile(phone)) throw phoneErrors.phoneInvalid();
      const openid = await openidOf((ctx.state.citizen as CitizenPrincipal).id);
      if (!openid) throw phoneErrors.citizenNotFound();
      ctx.body = { code: mintPhoneCode(openid, phone) };
    },
  });
}
