import type { CitizenPrincipal } from '../identity';
import type { RouteDefiner } from '../platform/http/route';
import { DraftView, SaveDraftBody, ServiceCodeParams } from './cases.schema';
import type { CasesService } from './cases.service';
import type { DraftsService } from './drafts';

const citizenOf = (ctx: { state: Record<string, unknown> }) => (ctx.state.citizen as CitizenPrincipal).id;
const codeOf = (ctx: { state: Record<string, unknown> }) =>
  (ctx.state.params as { serviceCode: string }).serviceCode;

export function draftRoutes(api: RouteDefiner, drafts: DraftsService, cases: CasesService) {
  api.define({
    method: 'put',
    path: '/drafts/:serviceCode',
    operationId: 'saveDraft',
    summary: '保存草稿（可在其他渠道继续填写）',
    tags: ['drafts'],
    auth: 'citizen',
    params: ServiceCodeParams,
    body: SaveDraftBody,
    responses: { 200: { description: '已保存的草稿', schema: DraftView } },
    handler: async (ctx) => {
      const body = ctx.state.body as { formData: Record<string, unknown>; channel: string };
      ctx.body = await drafts.save(citizenOf(ctx), codeOf(ctx), body.formData, body.channel);
    },
  });
  api.define({
    method: 'get',
    path: '/drafts/:serviceCode',
    operationId: 'getDraft',
    summary: '继续填写草稿（表单已升级时按迁移规则转换）',
    tags: ['drafts'],
    auth: 'citizen',
    params: ServiceCodeParams,
    responses: { 200: { description: '草稿', schema: DraftView } },
    handler: async (ctx) => {
      ctx.body = await drafts.get(citizenOf(ctx), codeOf(ctx));
    },
  });
  api.define({
    method: 'get',
    path: '/drafts',
    operationId: 'listDrafts',
    summary: '我的草稿',
    tags: ['drafts'],
    auth: 'citizen',
    responses: { 200: { description: '按更新时间倒序', schema: { type: 'object', required: ['items'] } } },
    handler: async (ctx) => {
      ctx.body = { items: await drafts.list(citizenOf(ctx)) };
    },
  });
  api.define({
    method: 'delete',
    path: '/drafts/:serviceCode',
    operationId: 'deleteDraft',
    summary: '删除草稿',
    tags: ['drafts'],
    auth: 'citizen',
    params: ServiceCodeParams,
    responses: { 204: { description: '已删除' } },
    handler: async (ctx) => {
      await drafts.delete(citizenOf(ctx), codeOf(ctx));
      ctx.status = 204;
    },
  });
  api.define({
    method: 'get',
    path: '/services/:serviceCode/prefill',
    operationId: 'prefillForm',
    summary: '表单预填（信息自动复用）',
    description:
      '按表单字段的 profile.* 绑定，用本人以往提交的信息预填；身份证号、手机号已脱敏，原样提交即沿用完整值。',
    tags: ['catalog'],
    auth: 'citizen',
    params: ServiceCodeParams,
    responses: { 200: { description: '预填值', schema: { type: 'object', required: ['form', 'formData'] } } },
    handler: async (ctx) => {
      ctx.body = await cases.prefill(citizenOf(ctx), codeOf(ctx));
    },
  });
}
