import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import { errors } from '../errors';

/**
 * Reads a JSON body into `ctx.state.body`: 415 unless application/json in UTF-8, 413 past `limit`
 * bytes (before reading it all when Content-Length says so), 400 when it is not JSON.
 */
export function jsonBody(limit: number): Middleware {
  return async function jsonBodyMiddleware(ctx, next) {
    if (!ctx.request.is('application/json')) throw errors.unsupportedMediaType();
    const charset = ctx.request.charset;
    if (charset && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
      throw errors.unsupportedMediaType();
    }
    let text: string;
    try {
      // Read as a Buffer and decoded here: raw-body's own decoding goes through iconv-lite, which
      // costs more than JSON.parse for UTF-8, the only charset accepted.
      const raw = await getRawBody(ctx.req, { limit, length: ctx.get('Content-Length') || undefined });
      text = raw.toString('utf8');
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 413) throw errors.payloadTooLarge(limit);
      if (status === 400) throw errors.malformedJson();
      throw error;
    }
    try {
      ctx.state.body = JSON.parse(text);
    } catch {
      throw errors.malformedJson();
    }
    await next();
  };
}
