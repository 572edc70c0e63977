import type { Middleware } from 'koa';
import { AppError, type FieldError } from '../errors';

/**
 * For routes whose contract answers a well-formed request with invalid content by 422 (the API's
 * default is 400 `validation_failed`): put it in the route's `before`, so that it wraps the schema
 * validation and the handler. The problem keeps its code and pointers; `messages` replaces the generic
 * words for some fields (by JSON pointer), and a field a variant of the body does not allow (`false`
 * schema) is named as such. Malformed JSON stays a 400.
 */
export function unprocessable(messages: Record<string, string> = {}): Middleware {
  const friendly = (e: FieldError): FieldError => {
    if (e.code === 'false schema') {
      const name = e.pointer?.split('/').pop() ?? '';
      return { ...e, code: 'not_allowed', message: `所选方式不需要填写此项：${name}` };
    }
    const message = e.pointer !== undefined && e.code !== 'required' ? messages[e.pointer] : undefined;
    return message ? { ...e, message } : e;
  };
  return async function unprocessableMiddleware(_ctx, next) {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400 || error.code !== 'validation_failed')
        throw error;
      throw new AppError({
        status: 422,
        code: error.code,
        title: error.title,
        detail: error.detail,
        errors: error.errors?.map(friendly),
        headers: error.headers,
        level: error.level,
      });
    }
  };
}
