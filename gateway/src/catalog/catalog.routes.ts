import { errors } from '../platform/errors';
import type { RouteDefiner } from '../platform/http/route';
import { regionLevel, regions } from '../platform/validation/formats';
import type { CatalogPublisher, PublishRequest } from './catalog.publisher';
import type { CatalogRepository } from './catalog.repository';
import { ListServicesQuery, PublishBody, ServiceDetailView, ServiceSummaryView } from './catalog.schema';
import type { CatalogService, PublishedService, ServiceFilter } from './catalog.service';

function summary(s: PublishedService) {
  const d = s.definition;
  return {
    code: d.code,
    name: d.name,
    ...(d.shortName ? { shortName: d.shortName } : {}),
    kind: d.kind,
    version: d.version,
    departments: d.departments,
    applicantKinds: d.applicantKinds,
    lifeEvents: d.lifeEvents ?? [],
    tags: d.tags ?? [],
    channels: d.channels,
    requiresPhone: d.requiresPhone ?? false,
    promisedWorkingDays: d.guide.promisedWorkingDays,
    online: d.guide.handling.online,
  };
}

export function catalogRoutes(api: RouteDefiner, catalog: CatalogService) {
  api.define({
    method: 'get',
    path: '/services',
    operationId: 'listServices',
    summary: '事项列表与搜索',
    description:
      '按关键词（支持部分词，如“出生”“营业执照”）、部门、人生事件、申请人类型筛选；一件事排在前面。',
    tags: ['catalog'],
    auth: 'none',
    query: ListServicesQuery,
    responses: {
      200: {
        description: '已发布的事项',
        schema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: ServiceSummaryView } },
        },
      },
    },
    handler: async (ctx) => {
      ctx.body = { items: catalog.list(ctx.state.query as ServiceFilter).map(summary) };
    },
  });

  api.define({
    method: 'get',
    path: '/services/:code',
    operationId: 'getService',
    summary: '事项详情：办事指南与当前申请表单',
    tags: ['catalog'],
    auth: 'none',
    params: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string', pattern: '^[a-z0-9.-]{3,64}$' } },
    },
    responses: { 200: { description: '事项、办事指南和表单', schema: ServiceDetailView } },
    handler: async (ctx) => {
      const service = catalog.get((ctx.state.params as { code: string }).code);
      if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
      ctx.body = {
        ...summary(service),
        includes: service.definition.includes ?? [],
        guide: service.definition.guide,
        form: service.form.form,
      };
    },
  });

  api.define({
    method: 'get',
    path: '/forms/:id/versions/:version',
    operationId: 'getFormVersion',
    summary: '某一表单版本（办件按其提交时的版本显示）',
    tags: ['catalog'],
    auth: 'none',
    params: {
      type: 'object',
      required: ['id', 'version'],
      properties: {
        id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' },
        version: { type: 'integer', minimum: 1 },
      },
    },
    responses: {
      200: {
        description: '表单定义',
        schema: { type: 'object', required: ['id', 'version', 'schema', 'ui'] },
      },
    },
    handler: async (ctx) => {
      const { id, version } = ctx.state.params as { id: string; version: number };
      const engine = catalog.form(`${id}@${version}`);
      if (!engine) throw errors.notFound('form_not_found', '该表单版本不存在');
      ctx.body = engine.form;
      ctx.set('Cache-Control', 'public, max-age=86400, immutable');
    },
  });
}

export function catalogAdminRoutes(
  api: RouteDefiner,
  catalog: CatalogService,
  publisher: CatalogPublisher,
  repo: CatalogRepository,
) {
  api.define({
    method: 'post',
    path: '/admin/catalog/publish',
    operationId: 'publishCatalog',
    summary: '发布事项与表单的新版本（业务人员，无需改代码）',
    description:
      '全部文档先校验（JSON Schema、引用、表单可编译、与上一版本的兼容性及迁移声明），再在一个事务中写入；任一问题则整次发布不生效，运行中的版本不变。已发布的版本不可修改。',
    tags: ['admin'],
    auth: 'admin',
    permission: 'catalog.publish',
    body: PublishBody,
    responses: {
      200: { description: '发布结果', schema: { type: 'object', required: ['services', 'forms'] } },
      422: { description: '未通过发布检查：errors 中逐条列出文档、路径和原因' },
    },
    handler: async (ctx) => {
      ctx.body = await publisher.publish(
        ctx.state.body as PublishRequest,
        (ctx.state.admin as { id: string }).id,
      );
      await catalog.reload();
    },
  });

  api.define({
    method: 'get',
    path: '/admin/catalog/services/:code/versions',
    operationId: 'listServiceVersions',
    summary: '事项的已发布版本',
    tags: ['admin'],
    auth: 'admin',
    permission: 'catalog.publish',
    params: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string', pattern: '^[a-z0-9.-]{3,64}$' } },
    },
    responses: {
      200: { description: '版本列表（新的在前）', schema: { type: 'object', required: ['items'] } },
    },
    handler: async (ctx) => {
      const rows = await repo.versions((ctx.state.params as { code: string }).code);
      if (rows.length === 0) throw errors.notFound('service_not_found', '该事项不存在');
      ctx.body = {
        items: rows.map((r) => ({
          version: r.version,
          publishedAt: new Date(Number(r.published_at)).toISOString(),
          publishedBy: r.published_by,
        })),
      };
    },
  });
}

/** Province/city/district lists for the region picker (GB/T 2260 codes). */
export function regionRoutes(api: RouteDefiner) {
  api.define({
    method: 'get',
    path: '/regions',
    operationId: 'listRegions',
    summary: '行政区划（省/市/区县，供地区选择控件使用）',
    description: '不带 parent 返回省级；带 parent 返回其下一级。',
    tags: ['catalog'],
    auth: 'none',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { parent: { type: 'string', title: '上级区划代码', pattern: '^\\d{6}$' } },
    },
    responses: {
      200: {
        description: '区划列表',
        schema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: { type: 'object', required: ['code', 'name'] } } },
        },
      },
    },
    handler: async (ctx) => {
      const parent = (ctx.state.query as { parent?: string }).parent;
      if (parent === undefined) {
        ctx.body = { items: regions('province').map(({ code, name }) => ({ code, name })) };
      } else {
        const level = regionLevel(parent);
        if (!level || level === 'district')
          throw errors.notFound('region_not_found', '该行政区划不存在或没有下一级');
        ctx.body = {
          items: regions(level === 'province' ? 'city' : 'district', parent).map(({ code, name }) => ({
            code,
            name,
          })),
        };
      }
      ctx.set('Cache-Control', 'public, max-age=86400');
    },
  });
}
