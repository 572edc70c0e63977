import type { Context } from 'koa';
import getRawBody from 'raw-body';

/**
 * Why a callback was refused. Platforms get the status and a short plain text, never a detail;
 * the log gets `reason` (a fixed code), never the body.
 */
export class CallbackRefusal extends Error {
  override readonly name = 'CallbackRefusal';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 503,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`callback refused: ${status} ${reason}`);
  }
}

/** The plain text of each refusal status (platforms show it in their consoles at most). */
export const REFUSAL_TEXT: Record<CallbackRefusal['status'], string> = {
  400: '请求无效',
  401: '缺少签名',
  403: '签名校验失败',
  404: '未找到',
  405: '不支持该请求方法',
  413: '请求内容过大',
  503: '服务繁忙，请稍后重试',
};

const FORBIDDEN_XML = /<!DOCTYPE|<!ENTITY/i;

/**
 * Reads the whole body up to `limit` bytes: 413 past it (before reading when Content-Length says so),
 * 400 for an aborted or malformed stream or a DOCTYPE/ENTITY declaration (XXE, billion laughs:
 * refused before any parser sees it).
 */
export async function readCallbackBody(ctx: Context, limit: number): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, { limit, length: ctx.get('Content-Length') || undefined });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new CallbackRefusal(413, 'body-too-large');
    throw new CallbackRefusal(400, 'body-unreadable');
  }
  if (FORBIDDEN_XML.test(raw.toString('latin1'))) throw new CallbackRefusal(400, 'xml-declaration');
  return raw;
}

/** One value per query parameter (a repeated parameter keeps its first value). */
export function queryOf(ctx: Context): URLSearchParams {
  return new URLSearchParams(ctx.querystring);
}

/** A required query parameter (first of `names` present), or a 400 refusal. */
export function requiredParam(query: URLSearchParams, ...names: string[]): string {
  for (const name of names) {
    const value = query.get(name);
    if (value !== null && value !== '') {
      if (value.length > 1024) throw new CallbackRefusal(400, 'parameter-too-long');
      return value;
    }
  }
  throw new CallbackRefusal(400, `missing-${names[0]}`);
}

export function answerText(ctx: Context, status: number, text: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = text;
}
