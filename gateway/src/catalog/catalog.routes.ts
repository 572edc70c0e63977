import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { CatalogService, PublishedService } from './catalog.service';

const ServiceSummary: JsonSchema = {
  type: 'object',
  required: ['code', 'name', 'version', 'departments', 'guide'],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'integer' },
    departments: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } } },
    guide: { type: 'object', description: '办事指南：条件、材料、承诺/法定时限（工作日）、收费' },
  },
};

const ServiceDetail: JsonSchema = {
  ...ServiceSummary,
  required: [...(ServiceSummary.required as string[]), 'form'],
  properties: {
    ...(ServiceSummary.properties as Record<string, unknown>),
    form: {
      type: 'object',
      required: ['id', 'schema'],
      properties: {
        id: { type: 'string' },
        schema: { type: 'object', description: 'JSON Schema (2020-12)' },
        ui: { type: 'object' },
      },
    },
  },
};

function summary(s: PublishedService) {
  const { code, name, version, departments, guide } = s.definition;
  return { code, name, version, departments, guide };
}

export function catalogRoutes(api: RouteDefiner, catalog: CatalogService) {
  api.define({
    method: 'get',
    path: '/services',
    operationId: 'listServices',
    summary: '事项列表',
    tags: ['catalog'],
    auth: 'none',
    responses: {
      200: {
        description: '已发布的事项',
        schema: {
          type: 'object',
          required: ['items'],
          properties: { items: { type: 'array', items: ServiceSummary } },
        },
      },
    },
    handler: async (ctx) => {
      ctx.body = { items: catalog.list().map(summary) };
    },
  });
  api.define({
    method: 'get',
    path: '/services/:code',
    operationId: 'getService',
    summary: '事项详情与申请表单',
    tags: ['catalog'],
    auth: 'none',
    params: {
      type: 'object',
      required: ['code'],
      properties: { code: { type: 'string', pattern: '^[a-z0-9.-]{3,64}$' } },
    },
    responses: { 200: { description: '事项、办事指南和表单', schema: ServiceDetail } },
    handler: async (ctx) => {
      const service = catalog.get((ctx.state.params as { code: string }).code);
      if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
      ctx.body = { ...summary(service), form: service.form };
    },
  });
}
