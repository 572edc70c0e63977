import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { InboxService } from './inbox.service';
import { INBOX_STATUSES, presentInboxRow } from './inbox.types';

const EventView: JsonSchema = {
  type: 'object',
  required: ['id', 'source', 'eventType', 'status', 'attempts', 'lastError', 'receivedAt'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string', description: '`wecom`、`dingtalk`、`wechat` 或 `oa:<系统>`' },
    eventType: { type: 'string' },
    status: { enum: [...INBOX_STATUSES] },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'], description: '错误类别或处理器给出的原因代码' },
    receivedAt: { type: 'string', format: 'date-time' },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    processedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

const ListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { enum: [...INBOX_STATUSES] },
    source: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$' },
    cursor: { type: 'string', pattern: '^[0-9]{1,15}_[0-9a-f-]{36}$' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  },
};

const IdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
};

/**
 * Admin view of the callbacks inbox (permission `workflow.integrate`): operationIds `listInboxEvents`
 * (`GET /admin/inbox?status=&source=&cursor=&limit=`) and `retryInboxEvent`
 * (`POST /admin/inbox/{id}/retry`, for `dead` or `ignored` events). Payloads are not shown.
 */
export function inboxAdminRoutes(api: RouteDefiner, inbox: InboxService): void {
  api.define({
    method: 'get',
    path: '/admin/inbox',
    operationId: 'listInboxEvents',
    summary: '查看外部平台回调事件（收件箱）',
    description: '按接收时间倒序；`next` 为下一页游标。失败（dead）的事件可重试。',
    tags: ['admin'],
    auth: 'staff',
    permission: 'workflow.integrate',
    query: ListQuery,
    responses: {
      200: {
        description: '事件列表',
        schema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: EventView }, next: { type: 'string' } },
        },
      },
    },
    handler: async (ctx) => {
      const query = ctx.state.query as { status?: string; source?: string; cursor?: string; limit?: number };
      let after: { receivedAt: number; id: string } | undefined;
      if (query.cursor) {
        const [at, id] = query.cursor.split('_') as [string, string];
        after = { receivedAt: Number(at), id };
      }
      const page = await inbox.list({
        ...(query.status ? { status: query.status as (typeof INBOX_STATUSES)[number] } : {}),
        ...(query.source ? { source: query.source } : {}),
        ...(after ? { after } : {}),
        limit: query.limit ?? 50,
      });
      ctx.body = {
        items: page.rows.map(presentInboxRow),
        ...(page.next ? { next: `${page.next.receivedAt}_${page.next.id}` } : {}),
      };
    },
  });

  api.define({
    method: 'post',
    path: '/admin/inbox/:id/retry',
    operationId: 'retryInboxEvent',
    summary: '重新处理一条失败或已忽略的回调事件',
    tags: ['admin'],
    auth: 'staff',
    permission: 'workflow.integrate',
    params: IdParams,
    responses: {
      200: { description: '已重新排队并开始处理', schema: EventView },
      404: { description: '事件不存在' },
      409: { description: '该事件不是失败或已忽略状态' },
    },
    handler: async (ctx) => {
      const result = await inbox.retry((ctx.state.params as { id: string }).id);
      if (result === 'not-found') throw errors.notFound('inbox_event_not_found', '回调事件不存在');
      if (result === 'not-retryable') {
        throw errors.conflict('inbox_event_not_retryable', '只有处理失败（dead）或已忽略的事件可以重试');
      }
      ctx.body = presentInboxRow(result);
    },
  });
}
