import type { JsonSchema } from '../platform/http/route';

export const WechatLoginBody: JsonSchema = {
  type: 'object',
  title: '微信登录',
  additionalProperties: false,
  required: ['code'],
  properties: {
    code: {
      type: 'string',
      title: '登录凭证 code',
      minLength: 1,
      maxLength: 128,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'wx.login() 返回的 code，一次有效',
    },
  },
};

export const RefreshBody: JsonSchema = {
  type: 'object',
  title: '刷新令牌',
  additionalProperties: false,
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', title: '刷新令牌', minLength: 16, maxLength: 256 } },
};

export const SessionTokensView: JsonSchema = {
  type: 'object',
  required: ['accessToken', 'tokenType', 'expiresIn', 'refreshToken', 'refreshExpiresIn'],
  properties: {
    accessToken: { type: 'string', description: 'ES256 JWT，有效期见 expiresIn（秒）' },
    tokenType: { const: 'Bearer' },
    expiresIn: { type: 'integer' },
    refreshToken: {
      type: 'string',
      description: '一次性刷新令牌；每次刷新都会换发新的，旧的再次使用将注销整个登录',
    },
    refreshExpiresIn: { type: 'integer' },
  },
};

export const LoginView: JsonSchema = {
  ...SessionTokensView,
  required: [...(SessionTokensView.required as string[]), 'citizen'],
  properties: {
    ...(SessionTokensView.properties as Record<string, unknown>),
    citizen: {
      type: 'object',
      required: ['id', 'isNew'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        isNew: { type: 'boolean', description: '首次登录时为 true' },
      },
    },
  },
};
