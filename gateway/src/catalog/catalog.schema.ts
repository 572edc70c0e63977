import type { JsonSchema } from '../platform/http/route';

export const ServiceSummaryView: JsonSchema = {
  type: 'object',
  required: [
    'code',
    'name',
    'kind',
    'version',
    'departments',
    'applicantKinds',
    'channels',
    'promisedWorkingDays',
    'online',
  ],
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    shortName: { type: 'string' },
    kind: { enum: ['single', 'bundle'], description: 'bundle = 一件事' },
    version: { type: 'integer' },
    departments: {
      type: 'array',
      items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
    },
    applicantKinds: { type: 'array', items: { enum: ['person', 'enterprise'] } },
    lifeEvents: { type: 'array', items: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' } },
    channels: { type: 'array', items: { type: 'string' } },
    requiresPhone: { type: 'boolean', description: '提交前须绑定手机号' },
    promisedWorkingDays: { type: 'integer', description: '承诺时限（工作日）' },
    online: { type: 'boolean', description: '全程网办' },
  },
};

export const ServiceDetailView: JsonSchema = {
  type: 'object',
  required: ['code', 'name', 'kind', 'version', 'guide', 'form'],
  properties: {
    ...(ServiceSummaryView.properties as Record<string, unknown>),
    includes: { type: 'array', items: { type: 'object' }, description: '一件事包含的事项及办理部门' },
    guide: {
      type: 'object',
      description:
        '办事指南：条件、材料（可选/可用电子证照替代）、法定与承诺时限、收费、办理方式、设定依据、常见问题',
    },
    form: { type: 'object', description: '当前表单版本：schema（JSON Schema 2020-12）、ui、linkage' },
  },
};

export const ListServicesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', title: '关键词', maxLength: 50 },
    department: { type: 'string', title: '部门', pattern: '^[a-z][a-z0-9-]*$' },
    lifeEvent: { type: 'string', title: '人生事件', maxLength: 40 },
    applicantKind: { type: 'string', title: '申请人类型', enum: ['person', 'enterprise'] },
    kind: { type: 'string', title: '类型', enum: ['single', 'bundle'] },
  },
};

export const PublishBody: JsonSchema = {
  type: 'object',
  title: '发布事项与表单',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    services: {
      type: 'array',
      maxItems: 200,
      items: { type: 'object' },
      description: 'config/schemas/service.schema.json 格式的事项',
    },
    forms: {
      type: 'array',
      maxItems: 200,
      items: { type: 'object' },
      description: 'config/schemas/form.schema.json 格式的表单版本',
    },
  },
};
