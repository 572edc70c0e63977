import type { Context } from 'koa';
import type { CitizenPrincipal, StaffPrincipal } from '../identity';
import { AppError } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { RightsRequestInput, RightsService } from './rights.service';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const staffOf = (ctx: Context) => (ctx.state.staff as StaffPrincipal).id;
const idOf = (ctx: Context) => (ctx.state.params as { id: string }).id;

const IdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
};

const RequestBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: {
      type: 'string',
      enum: ['export', 'correction', 'deletion'],
      description: 'export 导出我的个人信息 · correction 更正 · deletion 删除',
    },
    caseId: { type: 'string', format: 'uuid', title: '办件' },
    field: { type: 'string', minLength: 1, maxLength: 200, title: '要更正的字段（字段名或 JSON 指针）' },
    value: { type: 'string', minLength: 1, maxLength: 500, title: '更正后的内容' },
    reason: { type: 'string', minLength: 2, maxLength: 500, title: '理由' },
  },
  allOf: [
    {
      if: { properties: { kind: { const: 'correction' } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
      then: { required: ['caseId', 'field', 'value', 'reason'] },
    },
    {
      if: { properties: { kind: { const: 'export' } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
      then: { maxProperties: 1 },
    },
  ],
};

const DecideBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['approve'],
  properties: {
    approve: { type: 'boolean', title: '是否同意更正' },
    reason: { type: 'string', minLength: 2, maxLength: 500, title: '不予更正的理由' },
  },
};

const RequestView: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'status', 'statusText', 'createdAt', 'dueAt'],
};

/** PIPL Art. 45–47 for the citizen; the correction queue for the case's department. */
export function rightsRoutes(
  api: RouteDefiner,
  rights: RightsService,
  audit: {
    append(entry: {
      actorType: string;
      actorId: string | null;
      action: string;
      objectType?: string | null;
      objectId?: string | null;
      result: 'success';
      ip?: string | null;
      requestId?: string | null;
      details?: Record<string, unknown> | null;
    }): Promise<unknown>;
  },
) {
  api.define({
    method: 'post',
    path: '/me/data-requests',
    operationId: 'submitDataRequest',
    summary: '申请导出、更正或删除我的个人信息',
    description:
      '导出：立即生成，7 天内可下载；更正：由办件所属部门审核后生效；删除：立即删除可删除的信息，依法需保存的办件记录等列明法律依据后仅作保存、不再使用。',
    tags: ['rights'],
    auth: 'citizen',
    body: RequestBody,
    responses: { 201: { description: '申请及其状态', schema: RequestView } },
    handler: async (ctx) => {
      ctx.body = await rights.submit(citizenOf(ctx), ctx.state.body as RightsRequestInput);
      ctx.status = 201;
    },
  });
  api.define({
    method: 'get',
    path: '/me/data-requests',
    operationId: 'listDataRequests',
    summary: '我的个人信息申请及办理状态',
    tags: ['rights'],
    auth: 'citizen',
    responses: { 200: { description: '按时间倒序', schema: { type: 'object', required: ['items'] } } },
    handler: async (ctx) => {
      ctx.body = await rights.list(citizenOf(ctx));
    },
  });
  api.define({
    method: 'get',
    path: '/me/data-requests/:id',
    operationId: 'getDataRequest',
    summary: '查看一项个人信息申请的状态',
    tags: ['rights'],
    auth: 'citizen',
    params: IdParams,
    responses: { 200: { description: '申请及其状态', schema: RequestView } },
    handler: async (ctx) => {
      ctx.body = await rights.get(citizenOf(ctx), idOf(ctx));
    },
  });
  api.define({
    method: 'get',
    path: '/me/data-requests/:id/export',
    operationId: 'downloadDataExport',
    summary: '下载我的个人信息副本（JSON）',
    tags: ['rights'],
    auth: 'citizen',
    params: IdParams,
    responses: { 200: { description: '个人信息副本', schema: { type: 'object', required: ['sections'] } } },
    handler: async (ctx) => {
      const citizenId = citizenOf(ctx);
      const id = idOf(ctx);
      await rights.get(citizenId, id); // 404 before anything goes on record
      try {
        await audit.append({
          actorType: 'citizen',
          actorId: citizenId,
          action: 'pii.export',
          objectType: 'data_request',
          objectId: id,
          result: 'success',
          ip: ctx.ip,
          requestId: (ctx.state as { requestId?: string }).requestId ?? null,
        });
      } catch {
        throw new AppError({
          status: 503,
          code: 'audit_unavailable',
          title: '审计日志不可用',
          detail: '暂时无法导出，请稍后重试',
          headers: { 'Retry-After': '5' },
        });
      }
      ctx.body = await rights.exportData(citizenId, id);
      ctx.set('Content-Disposition', `attachment; filename="personal-data-${id}.json"`);
      ctx.set('Cache-Control', 'no-store');
    },
  });
  api.define({
    method: 'get',
    path: '/staff/data-requests',
    operationId: 'staffDataRequests',
    summary: '待处理的个人信息更正申请（本人权限范围内的办件）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'rights.handle',
    responses: { 200: { description: '最早提交的在前', schema: { type: 'object', required: ['items'] } } },
    handler: async (ctx) => {
      ctx.body = await rights.staffQueue(staffOf(ctx));
    },
  });
  api.define({
    method: 'post',
    path: '/staff/data-requests/:id/decide',
    operationId: 'decideDataRequest',
    summary: '处理个人信息更正申请（同意即更正办件信息；不同意须说明理由）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'rights.handle',
    params: IdParams,
    body: DecideBody,
    responses: { 200: { description: '处理后的申请' }, 404: { description: '不存在或不在本人权限范围内' } },
    handler: async (ctx) => {
      ctx.body = await rights.decide(
        staffOf(ctx),
        idOf(ctx),
        ctx.state.body as { approve: boolean; reason?: string },
      );
    },
  });
}
