import type { Context } from 'koa';

/** How a material file is documented in OpenAPI, wherever it is served. */
export const MATERIAL_FILE_RESPONSE = {
  description: '文件内容（二进制）',
  headers: {
    'Content-Type': '按内容识别的类型',
    'Content-Disposition': "inline; filename*=UTF-8''…",
    ETag: '内容的 SHA-256',
  },
};

/**
 * Sends a material's bytes: the sniffed type, inline with its file name, never sniffed again by the
 * browser, never cached (it is personal data), with its SHA-256 as the ETag.
 */
export function sendMaterial(
  ctx: Context,
  content: { data: Buffer; mime: string; disposition: string; sha256: string },
): void {
  ctx.set('Content-Disposition', content.disposition);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('ETag', `"${content.sha256}"`);
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = content.data;
  ctx.type = content.mime;
}
