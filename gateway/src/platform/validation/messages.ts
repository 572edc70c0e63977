import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors';

type Schema = { title?: string; properties?: Record<string, { title?: string }> } | undefined;

function label(error: ErrorObject, property?: string): string {
  if (property !== undefined) {
    const parent = error.parentSchema as Schema;
    return parent?.properties?.[property]?.title ?? property;
  }
  const own = error.parentSchema as Schema;
  return own?.title ?? (error.instancePath.split('/').pop() || '请求体');
}

const FORMAT_NAMES: Record<string, string> = {
  'cn-resident-id': '有效的18位居民身份证号码',
  'cn-mobile': '有效的11位手机号码',
  'cn-uscc': '有效的18位统一社会信用代码',
  'cn-region-code': '有效的6位行政区划代码',
  'bank-card': '有效的银行卡号',
  'cn-hmt-residence-permit': '有效的18位港澳台居民居住证号码',
  'cn-foreign-permanent-resident-id': '有效的18位外国人永久居留身份证号码',
  date: '日期（YYYY-MM-DD）',
  'date-time': '日期时间（ISO 8601）',
  email: '电子邮箱地址',
  uri: 'URI',
  uuid: 'UUID',
};

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: '空值',
};

/** Turns Ajv errors into {pointer, code, message} with zh-CN messages that name the field's title. */
export function toFieldErrors(ajvErrors: ErrorObject[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of ajvErrors) {
    // `if` only reports that its `then`/`else` failed; that branch's own errors say what is wrong.
    if (e.keyword === 'if') continue;
    const p = e.params as Record<string, unknown>;
    let pointer = prefix + e.instancePath;
    let message: string;
    let code = e.keyword;
    switch (e.keyword) {
      case 'required':
        pointer += `/${escapePointer(String(p.missingProperty))}`;
        message = `缺少必填项：${label(e, String(p.missingProperty))}`;
        break;
      case 'additionalProperties':
        pointer += `/${escapePointer(String(p.additionalProperty))}`;
        code = 'unknown_field';
        message = `不允许的字段：${String(p.additionalProperty)}`;
        break;
      case 'type':
        message = `${label(e)}的类型应为${String(p.type)
          .split(',')
          .map((t) => TYPE_NAMES[t] ?? t)
          .join('或')}`;
        break;
      case 'minLength':
        message = `${label(e)}至少需要 ${String(p.limit)} 个字符`;
        break;
      case 'maxLength':
        message = `${label(e)}不能超过 ${String(p.limit)} 个字符`;
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        message = `${label(e)}不能小于${e.keyword === 'exclusiveMinimum' ? '或等于' : ''} ${String(p.limit)}`;
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        message = `${label(e)}不能大于${e.keyword === 'exclusiveMaximum' ? '或等于' : ''} ${String(p.limit)}`;
        break;
      case 'pattern':
        message = `${label(e)}的格式不正确`;
        break;
      case 'format':
        message = `${label(e)}应为${FORMAT_NAMES[String(p.format)] ?? String(p.format)}`;
        break;
      case 'enum':
        message = `${label(e)}的取值不在允许范围内`;
        break;
      case 'const':
        message = `${label(e)}的取值不正确`;
        break;
      case 'minItems':
        message = `${label(e)}至少需要 ${String(p.limit)} 项`;
        break;
      case 'maxItems':
        message = `${label(e)}不能超过 ${String(p.limit)} 项`;
        break;
      case 'uniqueItems':
        message = `${label(e)}中不能有重复项`;
        break;
      case 'maxProperties':
        message = `${label(e)}的字段过多`;
        break;
      default:
        message = `${label(e)}不符合要求`;
    }
    const key = `${pointer}|${code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: pointer || '/', code, message });
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
