import type { Context } from 'koa';
import type { CitizenPrincipal } from '../identity';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import { type NotificationService, SUBSCRIBE_ANSWERS, type SubscribeAnswer } from './notifications.service';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;

const SettingsView: JsonSchema = {
  type: 'object',
  required: ['channel', 'templates'],
  properties: {
    channel: { type: 'string', enum: ['wechat', 'sms'] },
    templates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['event', 'title', 'templateId', 'remaining', 'lastStatus'],
        properties: {
          event: { type: 'string' },
          title: { type: 'string' },
          templateId: { type: 'string' },
          remaining: { type: 'integer', minimum: 0 },
          lastStatus: { type: ['string', 'null'] },
        },
      },
    },
  },
};

const SettingsBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['channel'],
  properties: {
    channel: { type: 'string', enum: ['wechat', 'sms'], description: 'wechat 微信订阅消息 · sms 短信' },
  },
};

/** `{"<tmplId>": "accept"|"reject"|"ban"|"filter"}` for the configured templates only. */
function subscriptionsBody(templateIds: string[]): JsonSchema {
  const answer = {
    type: 'string',
    enum: SUBSCRIBE_ANSWERS,
    description: 'accept 同意 · reject 拒绝 · ban 已被封禁 · filter 已被过滤',
  };
  return {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: Object.fromEntries(templateIds.map((id) => [id, answer])),
  };
}

/**
 * The citizen's notification consents and channel: `recordSubscriptions` (what
 * `wx.requestSubscribeMessage` returned), `getNotificationSettings`, `updateNotificationSettings`.
 */
export function notificationRoutes(api: RouteDefiner, service: NotificationService) {
  api.define({
    method: 'post',
    path: '/me/subscriptions',
    operationId: 'recordSubscriptions',
    summary: '记录订阅消息授权结果',
    description:
      '小程序调用 wx.requestSubscribeMessage 后上报各模板的结果。每次“同意”可接收一条对应的通知；拒绝等结果仅作记录。',
    tags: ['notifications'],
    auth: 'citizen',
    body: subscriptionsBody(service.templateIds()),
    responses: { 200: { description: '当前通知设置', schema: SettingsView } },
    handler: async (ctx) => {
      ctx.body = await service.recordClientAnswers(
        citizenOf(ctx),
        ctx.state.body as Record<string, SubscribeAnswer>,
      );
    },
  });
  api.define({
    method: 'get',
    path: '/me/notification-settings',
    operationId: 'getNotificationSettings',
    summary: '查看我的办件通知设置',
    tags: ['notifications'],
    auth: 'citizen',
    responses: { 200: { description: '通知渠道及各类通知的剩余可接收条数', schema: SettingsView } },
    handler: async (ctx) => {
      ctx.body = await service.settings(citizenOf(ctx));
    },
  });
  api.define({
    method: 'put',
    path: '/me/notification-settings',
    operationId: 'updateNotificationSettings',
    summary: '设置办件通知方式（微信或短信）',
    description: '选择短信后，办件进展一律以短信通知（发送至申请表中填写的手机号）。',
    tags: ['notifications'],
    auth: 'citizen',
    body: SettingsBody,
    responses: { 200: { description: '当前通知设置', schema: SettingsView } },
    handler: async (ctx) => {
      ctx.body = await service.setChannel(
        citizenOf(ctx),
        (ctx.state.body as { channel: 'wechat' | 'sms' }).channel,
      );
    },
  });
}
