/** The materials context's own errors: stable codes, zh-CN text. */
import { AppError, errors, type FieldError } from '../platform/errors';
import { describeKinds, type MaterialKind } from './kinds';

/** `20 MB`, `500 KB`: a limit as a person reads it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.floor(bytes / 1024))} KB`;
}

export const materialErrors = {
  tooLarge: (limitBytes: number) =>
    new AppError({
      status: 413,
      code: 'material_too_large',
      title: '文件过大',
      detail: `文件不能超过 ${formatBytes(limitBytes)}，请压缩或分页后重新上传`,
    }),
  typeNotAllowed: (allowed: readonly MaterialKind[]) =>
    new AppError({
      status: 415,
      code: 'material_type_not_allowed',
      title: '不支持的文件类型',
      detail: `文件类型按文件内容识别（与文件名无关），此处仅支持：${describeKinds(allowed)}`,
    }),
  multipartRequired: () =>
    new AppError({
      status: 415,
      code: 'multipart_required',
      title: '不支持的内容类型',
      detail: '上传材料须使用 multipart/form-data，文件放在 file 字段中',
    }),
  malformedMultipart: () =>
    new AppError({
      status: 400,
      code: 'malformed_multipart',
      title: '上传内容格式不正确',
      detail: 'multipart/form-data 请求体不完整或格式错误，请重新上传',
    }),
  infected: () =>
    new AppError({
      status: 422,
      code: 'material_infected',
      title: '文件未通过安全检查',
      detail: '该文件未通过病毒扫描，未予保存；请检查文件来源后重新上传',
      level: 'warn',
    }),
  scanUnavailable: () =>
    errors.unavailable('material_scan_unavailable', '文件安全检查暂时不可用，请稍后重新上传', 30),
  quotaExceeded: (detail: string) =>
    new AppError({ status: 413, code: 'material_quota_exceeded', title: '材料空间已满', detail }),
  notFound: () => errors.notFound('material_not_found', '未找到该材料'),
  inUse: () => errors.conflict('material_in_use', '该材料已用于提交的办件，不能删除'),
  contentMissing: () =>
    new AppError({
      status: 500,
      code: 'material_content_missing',
      title: '材料文件缺失',
      detail: '材料记录存在但文件已丢失，请重新上传',
      level: 'error',
    }),
  field: (field: FieldError, detail?: string) => errors.validation([field], detail),
};
