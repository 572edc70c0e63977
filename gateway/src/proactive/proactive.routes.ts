import type { Context } from 'koa';
import type { CitizenPrincipal } from '../identity/authenticate';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { ProactiveService } from './proactive.service';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const idOf = (ctx: Context) => (ctx.params as { id: string }).id;

const OfferParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
};

const Offer: JsonSchema = {
  type: 'object',
  required: ['id', 'policyCode', 'title', 'message', 'serviceCode', 'grant', 'status', 'createdAt'],
  properties: {
    id: { type: 'string' },
    policyCode: { type: 'string' },
    title: { type: 'string' },
    message: { type: 'string' },
    serviceCode: { type: 'string' },
    serviceName: { type: 'string' },
    grant: { enum: ['apply', 'automatic'] },
    status: { enum: ['offered', 'accepted', 'declined', 'pending', 'granted', 'ended'] },
    caseId: { type: 'string' },
    createdAt: { type: 'string' },
    dueDate: { type: 'string' },
  },
};

/** 主动服务 on the citizen's home page: `listMyOffers`, `acceptOffer`, `declineOffer`. */
export function proactiveRoutes(api: RouteDefiner, proactive: ProactiveService) {
  api.define({
    method: 'get',
    path: '/me/offers',
    operationId: 'listMyOffers',
    summary: '为我主动推送的服务（含免申即享）',
    description:
      '人生事件（如新生儿出生、即将退休、购房）或全量匹配发现您可享受的服务；待办理和已自动办理的在前。',
    tags: ['proactive'],
    auth: 'citizen',
    responses: {
      200: {
        description: '服务提醒',
        schema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: Offer } },
        },
      },
    },
    handler: async (ctx) => {
      ctx.body = { items: await proactive.list(citizenOf(ctx)) };
    },
  });

  api.define({
    method: 'post',
    path: '/me/offers/:id/accept',
    operationId: 'acceptOffer',
    summary: '去办理：为该服务生成预填好的申请草稿',
    tags: ['proactive'],
    auth: 'citizen',
    params: OfferParams,
    responses: {
      200: {
        description: '草稿已生成，打开该事项的申请页即可',
        schema: { type: 'object', required: ['serviceCode'] },
      },
      404: { description: 'offer_not_found' },
      409: { description: 'offer_closed：已处理' },
    },
    handler: async (ctx) => {
      ctx.body = await proactive.accept(citizenOf(ctx), idOf(ctx));
    },
  });

  api.define({
    method: 'post',
    path: '/me/offers/:id/decline',
    operationId: 'declineOffer',
    summary: '不需要此项服务（免申即享的将撤回已办理的申请）',
    tags: ['proactive'],
    auth: 'citizen',
    params: OfferParams,
    body: {
      type: 'object',
      additionalProperties: false,
      properties: { reason: { type: 'string', title: '原因', maxLength: 200 } },
    },
    responses: { 200: { description: '已关闭', schema: Offer }, 404: { description: 'offer_not_found' } },
    handler: async (ctx) => {
      const body = (ctx.state.body ?? {}) as { reason?: string };
      ctx.body = await proactive.decline(citizenOf(ctx), idOf(ctx), body.reason ?? null);
    },
  });
}
