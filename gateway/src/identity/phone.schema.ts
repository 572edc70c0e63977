import type { JsonSchema } from '../platform/http/route';

// Numbers are checked by the handler, not here: a malformed number is 422 `phone_invalid` (pointer
// /phone), a business answer the mini-program shows beside the field, not a 400 of the request shape.

export const BindPhoneWechatBody: JsonSchema = {
  type: 'object',
  title: '微信授权绑定手机号',
  additionalProperties: false,
  required: ['code'],
  properties: {
    code: {
      type: 'string',
      title: '手机号授权凭证 code',
      minLength: 1,
      maxLength: 256,
      pattern: '^[\\x21-\\x7e]+$',
      description: '<Button openType="getPhoneNumber"> 回调中的 code，一次有效，5 分钟内有效',
    },
  },
};

export const SendSmsCodeBody: JsonSchema = {
  type: 'object',
  title: '发送短信验证码',
  additionalProperties: false,
  required: ['phone'],
  properties: {
    phone: {
      type: 'string',
      title: '手机号码',
      description: '11 位中国大陆手机号码（不合规时返回 422 phone_invalid）',
    },
  },
};

export const BindPhoneSmsBody: JsonSchema = {
  type: 'object',
  title: '短信验证码绑定手机号',
  additionalProperties: false,
  required: ['phone', 'smsCode'],
  properties: {
    phone: { type: 'string', title: '手机号码', description: '接收验证码的 11 位中国大陆手机号码' },
    smsCode: { type: 'string', title: '短信验证码', description: '6 位数字验证码' },
  },
};

export const MeView: JsonSchema = {
  type: 'object',
  required: ['id', 'phoneBound', 'phoneMasked', 'phoneVerifiedAt', 'channel'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    phoneBound: { type: 'boolean', description: '是否已绑定手机号' },
    phoneMasked: { type: ['string', 'null'], description: '脱敏的手机号，如 139****0001；未绑定时为 null' },
    phoneVerifiedAt: { type: ['integer', 'null'], description: '手机号验证时间（毫秒时间戳）' },
    phoneMethod: {
      type: ['string', 'null'],
      enum: ['wechat', 'sms', null],
      description: '验证方式：wechat 微信授权 · sms 短信验证码',
    },
    channel: { type: 'string', description: '最近一次登录的渠道：wechat 微信小程序 · sandbox 沙箱登录' },
  },
};

export const PhoneBoundView: JsonSchema = {
  type: 'object',
  required: ['phoneMasked'],
  properties: { phoneMasked: { type: 'string', description: '脱敏的手机号，如 139****0001' } },
};

export const SmsCodeSentView: JsonSchema = {
  type: 'object',
  required: ['expiresIn', 'resendAfter'],
  properties: {
    expiresIn: { type: 'integer', description: '验证码有效期（秒）' },
    resendAfter: { type: 'integer', description: '多少秒后可重新发送' },
    sandboxCode: {
      type: 'string',
      description: '仅嵌入式/测试环境（内置短信模拟器）返回的验证码，便于在浏览器中体验；生产环境不返回',
    },
  },
};
