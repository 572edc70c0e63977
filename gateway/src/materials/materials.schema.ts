import type { JsonSchema } from '../platform/http/route';
import { MATERIAL_KINDS } from './kinds';
import { MATERIAL_CODE_PATTERN } from './materials.service';

const MaterialCode: JsonSchema = {
  type: 'string',
  title: '材料编码',
  description: '办事指南中的材料编码，如 birth-medical-certificate',
  pattern: MATERIAL_CODE_PATTERN,
};

export const MaterialView: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'kind',
    'mime',
    'sizeBytes',
    'name',
    'materialCode',
    'sha256',
    'createdAt',
    'inUse',
    'reused',
  ],
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: [...MATERIAL_KINDS], description: '按文件内容识别的类型' },
    mime: { type: 'string' },
    sizeBytes: { type: 'integer', minimum: 1 },
    name: { type: 'string', description: '显示用文件名（已清理，扩展名与识别出的类型一致）' },
    materialCode: { type: ['string', 'null'], description: '对应的办事指南材料编码' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    createdAt: { type: 'string', format: 'date-time' },
    inUse: { type: 'boolean', description: '已用于提交的办件（不可删除）' },
    reused: { type: 'boolean', description: '上传时发现同一文件已保存过，直接复用' },
  },
};

export const MaterialListView: JsonSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: MaterialView, description: '按上传时间倒序' } },
};

export const MaterialIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
};

export const UploadQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    serviceCode: { type: 'string', title: '事项编码', minLength: 3, maxLength: 64 },
    field: {
      type: 'string',
      title: '表单字段',
      description: '附件字段名；与 serviceCode 一起决定大小和类型限制',
      minLength: 1,
      maxLength: 128,
    },
  },
};

export const ListMaterialsQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { materialCode: MaterialCode },
};
