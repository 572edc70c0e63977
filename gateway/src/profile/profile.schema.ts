import { DEPT_SOURCE_KEYS } from '@gcrm/connectors/dept-data';
import type { JsonSchema } from '../platform/http/route';

// The ID number's check digit is verified by the handler (400 id_number_invalid, pointer /idNumber).
export const RealNameBody: JsonSchema = {
  type: 'object',
  title: '实名认证',
  additionalProperties: false,
  required: ['name', 'idNumber'],
  properties: {
    name: { type: 'string', title: '姓名', minLength: 1, maxLength: 32, pattern: '\\S' },
    idNumber: { type: 'string', title: '居民身份证号码', minLength: 18, maxLength: 18 },
  },
};

export const ConsentBody: JsonSchema = {
  type: 'object',
  title: '数据使用授权',
  additionalProperties: false,
  required: ['source', 'purpose', 'granted'],
  properties: {
    source: { type: 'string', title: '数据来源', enum: [...DEPT_SOURCE_KEYS] },
    purpose: { type: 'string', title: '用途', enum: ['eligibility', 'prefill', 'proactive'] },
    granted: { type: 'boolean', title: '是否允许' },
  },
};

export const MyProfileView: JsonSchema = {
  type: 'object',
  required: ['bound'],
  properties: {
    bound: { type: 'boolean' },
    name: { type: 'string', description: '脱敏姓名' },
    idNumber: { type: 'string', description: '脱敏身份证号码' },
    items: { type: 'array', items: { type: 'object' } },
    excluded: { type: 'array', items: { type: 'string' } },
    conflicts: { type: 'array', items: { type: 'string' } },
    timeline: { type: 'array', items: { type: 'object' } },
    consents: { type: 'array', items: { type: 'object' } },
  },
};
