import type { JsonSchema } from '../platform/http/route';
import { AftercareProperties } from './aftercare.schema';

export const CHANNELS = ['wechat', 'dingtalk', 'wecom', 'h5', 'counter'] as const;

export const SubmitCaseBody: JsonSchema = {
  type: 'object',
  title: '提交申请',
  additionalProperties: false,
  required: ['serviceCode', 'formData', 'channel'],
  properties: {
    serviceCode: { type: 'string', title: '事项编码', minLength: 3, maxLength: 64 },
    formData: {
      type: 'object',
      title: '表单数据',
      description: '按事项表单的 JSON Schema 校验（GET /services/{code} 的 form.schema）',
    },
    channel: { type: 'string', title: '渠道', enum: [...CHANNELS] },
    fromDraft: { type: 'boolean', title: '来自草稿', description: '为 true 时提交成功后删除该事项的草稿' },
  },
};

export const SaveDraftBody: JsonSchema = {
  type: 'object',
  title: '保存草稿',
  additionalProperties: false,
  required: ['formData', 'channel'],
  properties: {
    formData: {
      type: 'object',
      title: '表单数据',
      maxProperties: 500,
      description: '未完成的表单，保存时不校验必填项',
    },
    channel: { type: 'string', title: '渠道', enum: [...CHANNELS] },
  },
};

export const DraftView: JsonSchema = {
  type: 'object',
  required: ['serviceCode', 'form', 'formData', 'updatedAt'],
  properties: {
    serviceCode: { type: 'string' },
    form: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
    migratedFrom: {
      type: ['integer', 'null'],
      description: '草稿保存时的表单版本（已按迁移规则转换到当前版本）',
    },
    channel: { type: 'string' },
    formData: { type: 'object', description: '身份证号、手机号已脱敏；原样提交脱敏值即沿用已保存的完整值' },
    fieldStates: { type: 'object', description: '按联动规则计算的字段状态：visible / required / readonly' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const ServiceCodeParams: JsonSchema = {
  type: 'object',
  required: ['serviceCode'],
  properties: { serviceCode: { type: 'string', pattern: '^[a-z0-9.-]{3,64}$' } },
};

export const IdempotencyKeyHeader = {
  name: 'Idempotency-Key',
  required: true,
  description: '每次新申请生成一个（如 UUID）；重试时沿用。相同键与相同内容返回首次结果，内容不同返回 409。',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

const Timeline: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['type', 'label', 'at'],
    properties: {
      type: { type: 'string' },
      label: { type: 'string' },
      status: { type: ['string', 'null'] },
      statusLabel: { type: ['string', 'null'] },
      at: { type: 'string', format: 'date-time' },
    },
  },
};

export const CaseSummaryView: JsonSchema = {
  type: 'object',
  required: ['id', 'caseNumber', 'service', 'channel', 'status', 'statusLabel', 'submittedAt', 'updatedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    caseNumber: { type: 'string', description: '办件编号：日期 + 当日序号' },
    service: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
    channel: { type: 'string', enum: [...CHANNELS] },
    status: { type: 'string' },
    statusLabel: { type: 'string' },
    submittedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const CaseView: JsonSchema = {
  ...CaseSummaryView,
  required: [...(CaseSummaryView.required as string[]), 'formData', 'timeline'],
  properties: {
    ...(CaseSummaryView.properties as Record<string, unknown>),
    department: { type: ['string', 'null'] },
    formData: { type: 'object', description: '申请表单数据；身份证号、手机号已脱敏' },
    timeline: Timeline,
    ...AftercareProperties,
  },
};

export const CaseListView: JsonSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', items: CaseSummaryView },
    nextCursor: { type: ['string', 'null'], description: '下一页游标；为 null 表示没有更多' },
  },
};

export const CaseIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
};

export const ListCasesQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', title: '每页条数', minimum: 1, maximum: 50, default: 20 },
    cursor: { type: 'string', title: '游标', maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' },
    status: {
      type: 'string',
      title: '状态',
      enum: [
        'submitted',
        'accepted',
        'in_progress',
        'correction_requested',
        'completed',
        'rejected',
        'withdrawn',
      ],
    },
  },
};
