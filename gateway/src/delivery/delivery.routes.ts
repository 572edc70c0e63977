import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { DeliveryAdmin, DeliveryListQuery } from './admin.service';

const IdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 36, maxLength: 36 } },
};

const ListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['pending', 'delivered', 'refused', 'dead'], description: '投递状态' },
    destination: { type: 'string', minLength: 1, maxLength: 64, description: '目标系统，如 dingtalk.todo' },
    cursor: { type: 'string', maxLength: 36, description: '上一页返回的 nextCursor' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
};

const FixBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['payload'],
  properties: { payload: { type: 'object', description: '修正后的投递内容（JSON 对象）' } },
};

const ReplayBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    destination: { type: 'string', minLength: 1, maxLength: 64 },
    ids: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: { type: 'string', minLength: 36, maxLength: 36 },
    },
  },
};

const common = { tags: ['admin'], auth: 'staff' as const, permission: 'workflow.integrate' };

const actor = (state: { staff?: { id: string }; admin?: unknown }) =>
  state.staff?.id ?? (state.admin ? 'integration' : 'unknown');

/**
 * The dead-letter desk (系统管理员): deliveries to outside systems that failed, with their last
 * error, payload fixes and replays, and the queue's health per destination. operationIds:
 * listDeliveries, deliveryStats, getDelivery, fixDelivery, replayDelivery, replayDeliveries.
 */
export function deliveryRoutes(api: RouteDefiner, service: DeliveryAdmin): void {
  api.define({
    ...common,
    method: 'get',
    path: '/admin/deliveries',
    operationId: 'listDeliveries',
    summary: '外部系统投递记录（死信队列）',
    query: ListQuery,
    responses: { 200: { description: '投递记录，按创建时间倒序，nextCursor 取下一页' } },
    handler: async (ctx) => {
      ctx.body = await service.list(ctx.state.query as DeliveryListQuery);
    },
  });

  // Before /admin/deliveries/:id, which would otherwise take "stats" as an id.
  api.define({
    ...common,
    method: 'get',
    path: '/admin/deliveries/stats',
    operationId: 'deliveryStats',
    summary: '投递队列概况：各目标系统的数量、最久待发时长与熔断状态',
    description: '熔断状态为本实例所见（每个网关实例各有一套熔断器）。',
    responses: { 200: { description: '按目标系统与状态统计' } },
    handler: async (ctx) => {
      ctx.body = await service.stats();
    },
  });

  api.define({
    ...common,
    method: 'get',
    path: '/admin/deliveries/:id',
    operationId: 'getDelivery',
    summary: '查看一条投递记录（含最近错误与修改历史）',
    params: IdParams,
    responses: { 200: { description: '投递记录' }, 404: { description: '未找到' } },
    handler: async (ctx) => {
      ctx.body = await service.get((ctx.state.params as { id: string }).id);
    },
  });

  api.define({
    ...common,
    method: 'patch',
    path: '/admin/deliveries/:id',
    operationId: 'fixDelivery',
    summary: '修正投递内容（保留修改历史，不自动重投）',
    params: IdParams,
    body: FixBody,
    responses: {
      200: { description: '修改后的投递记录' },
      404: { description: '未找到' },
      409: { description: '投递已完成或正在发送' },
    },
    handler: async (ctx) => {
      const { payload } = ctx.state.body as { payload: unknown };
      ctx.body = await service.fixPayload((ctx.state.params as { id: string }).id, payload, actor(ctx.state));
    },
  });

  api.define({
    ...common,
    method: 'post',
    path: '/admin/deliveries/:id/replay',
    operationId: 'replayDelivery',
    summary: '重新投递一条死信',
    params: IdParams,
    responses: {
      200: { description: '已放回队列的投递记录' },
      404: { description: '未找到' },
      409: { description: '该投递不是死信' },
    },
    handler: async (ctx) => {
      ctx.body = await service.replay((ctx.state.params as { id: string }).id);
    },
  });

  api.define({
    ...common,
    method: 'post',
    path: '/admin/deliveries/replay',
    operationId: 'replayDeliveries',
    summary: '批量重新投递死信（按目标系统和/或编号）',
    body: ReplayBody,
    responses: { 200: { description: '放回队列的数量' }, 400: { description: '未指定范围' } },
    handler: async (ctx) => {
      ctx.body = await service.replayMany(ctx.state.body as { destination?: string; ids?: string[] });
    },
  });
}
