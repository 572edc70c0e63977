import type { Context } from 'koa';
import type { RouteDefiner } from '../platform/http/route';
import type { CitizenPrincipal } from './authenticate';
import {
  BindPhoneSmsBody,
  BindPhoneWechatBody,
  MeView,
  PhoneBoundView,
  SendSmsCodeBody,
  SmsCodeSentView,
} from './phone.schema';
import type { PhoneBinding, RequestInfo } from './phone.service';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const requestOf = (ctx: Context): RequestInfo => ({
  ip: ctx.ip || null,
  requestId: (ctx.state as { requestId?: string }).requestId ?? null,
});

/** 我的账号 and 绑定手机号: `getMe`, `bindPhoneWechat`, `sendPhoneSmsCode`, `bindPhoneSms`. */
export function phoneRoutes(api: RouteDefiner, phone: PhoneBinding) {
  api.define({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: '我的账号（手机号绑定状态）',
    description: '返回账号标识、是否已绑定手机号及脱敏号码；从不返回完整手机号。',
    tags: ['account'],
    auth: 'citizen',
    responses: { 200: { description: '我的账号', schema: MeView } },
    handler: async (ctx) => {
      ctx.body = await phone.me(citizenOf(ctx));
    },
  });

  api.define({
    method: 'post',
    path: '/me/phone/wechat',
    operationId: 'bindPhoneWechat',
    summary: '微信授权绑定手机号',
    description:
      '用 <Button openType="getPhoneNumber"> 得到的 code 向微信换取手机号并绑定（替换已绑定的号码）。号码加密保存，返回脱敏号码。',
    tags: ['account'],
    auth: 'citizen',
    body: BindPhoneWechatBody,
    responses: {
      200: { description: '已绑定', schema: PhoneBoundView },
      422: {
        description: 'phone_code_invalid：授权已失效（code 无效、已使用或已过期）；phone_not_supported',
      },
      503: { description: '微信服务繁忙或不可达（带 Retry-After）' },
    },
    handler: async (ctx) => {
      const { code } = ctx.state.body as { code: string };
      ctx.body = await phone.bindWechat(citizenOf(ctx), code, requestOf(ctx));
    },
  });

  api.define({
    method: 'post',
    path: '/me/phone/sms-code',
    operationId: 'sendPhoneSmsCode',
    summary: '发送绑定手机号的短信验证码',
    description:
      '向该号码发送 6 位验证码（5 分钟内有效，输错 5 次作废）。每位用户、每个号码 60 秒内 1 次，每个号码每天最多 10 次。',
    tags: ['account'],
    auth: 'citizen',
    body: SendSmsCodeBody,
    responses: {
      202: { description: '已发送', schema: SmsCodeSentView },
      422: { description: 'phone_invalid：手机号码不正确（pointer /phone）' },
      429: { description: 'sms_code_too_frequent：发送过于频繁（带 Retry-After）' },
      503: { description: '短信服务不可用或未开通' },
    },
    handler: async (ctx) => {
      const { phone: number } = ctx.state.body as { phone: string };
      ctx.body = await phone.sendSmsCode(citizenOf(ctx), number);
      ctx.status = 202;
    },
  });

  api.define({
    method: 'post',
    path: '/me/phone',
    operationId: 'bindPhoneSms',
    summary: '短信验证码绑定手机号',
    description: '校验短信验证码后绑定该号码（替换已绑定的号码）。号码加密保存，返回脱敏号码。',
    tags: ['account'],
    auth: 'citizen',
    body: BindPhoneSmsBody,
    responses: {
      200: { description: '已绑定', schema: PhoneBoundView },
      422: {
        description:
          'phone_invalid（/phone）；sms_code_invalid：验证码不正确；sms_code_expired：验证码已失效（/smsCode）',
      },
    },
    handler: async (ctx) => {
      const { phone: number, smsCode } = ctx.state.body as { phone: string; smsCode: string };
      ctx.body = await phone.bindSms(citizenOf(ctx), number, smsCode, requestOf(ctx));
    },
  });
}
