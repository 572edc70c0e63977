import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, errors } from '../errors';
import { describeUnexpected } from '../logger';

export const PROBLEM_TYPE_BASE = 'https://g-crm.local/problems/';

/** Maps errors raised by Koa, @koa/router and raw-body onto our stable codes. */
function fromHttpError(error: {
  status?: number;
  type?: string;
  limit?: number;
  headers?: Record<string, string>;
}): AppError | undefined {
  switch (error.status) {
    case 400:
      return errors.malformedJson();
    case 404:
      return errors.notFound('route_not_found', '请求的接口不存在');
    case 405:
      return errors.methodNotAllowed(error.headers?.Allow ?? error.headers?.allow ?? '');
    case 413:
      return errors.payloadTooLarge(error.limit ?? 0);
    case 415:
      return errors.unsupportedMediaType();
    case 501:
      return new AppError({
        status: 501,
        code: 'not_implemented',
        title: '不支持该请求方法',
        detail: '服务器不支持此请求方法',
      });
    default:
      return undefined;
  }
}

export function problemBody(error: AppError, ctx: Context) {
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    instance: ctx.path,
    requestId: ctx.state.requestId as string | undefined,
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
}

/**
 * The outermost middleware: every failure, ours or a library's, leaves as application/problem+json.
 * Unknown errors become a generic 500; their message is neither sent nor logged.
 */
export function errorHandler(log: Logger): Middleware {
  return async function errorHandlerMiddleware(ctx, next) {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        // Nothing answered: @koa/router's allowedMethods leaves 405/501 (with Allow) and Koa 404.
        if (ctx.status === 404) throw errors.notFound('route_not_found', '请求的接口不存在');
        if (ctx.status === 405) throw errors.methodNotAllowed(ctx.response.get('Allow'));
        if (ctx.status === 501) throw fromHttpError({ status: 501 })!;
      }
    } catch (caught) {
      let error: AppError;
      if (caught instanceof AppError) {
        error = caught;
      } else {
        const mapped =
          typeof caught === 'object' && caught !== null && (caught as { expose?: boolean }).expose === true
            ? fromHttpError(caught as { status?: number })
            : undefined;
        error = mapped ?? errors.internal();
        if (!mapped)
          log.error({ reqId: ctx.state.requestId, err: describeUnexpected(caught) }, 'unhandled error');
      }
      if (error.level === 'warn')
        log.warn({ reqId: ctx.state.requestId, code: error.code, status: error.status }, 'request failed');
      else if (error.level === 'error' && caught instanceof AppError)
        log.error({ reqId: ctx.state.requestId, code: error.code }, 'request failed');
      ctx.status = error.status;
      for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
      ctx.body = problemBody(error, ctx);
      ctx.type = 'application/problem+json; charset=utf-8';
    }
  };
}
