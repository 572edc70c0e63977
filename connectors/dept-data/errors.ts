import { DEPT_ERRMSG, RETRYABLE_ERRCODES } from './errcodes';

/** Person paths carry an ID number: errors name the route template instead. */
export function safePath(path: string): string {
  return path.replace(/^\/v1\/persons\/(?!batch$)[^/]+\//, '/v1/persons/{idNumber}/');
}

/**
 * The source answered with a non-zero errcode (see `DEPT_ERRCODES`). The message names the route
 * template and errcode only: ID numbers, secrets and tokens never appear in it.
 */
export class DeptApiError extends Error {
  override readonly name = 'DeptApiError';
  readonly errcode: number;
  /** The source's zh-CN errmsg (a fixed text per errcode, no caller data). */
  readonly errmsg: string;
  /** Route template, e.g. `/v1/persons/{idNumber}/household`. */
  readonly path: string;
  /** −1 (busy) and 45009 (rate limit): the same call may succeed later. */
  readonly retryable: boolean;

  constructor(path: string, errcode: number, errmsg: string) {
    const template = safePath(path);
    super(`department source ${template} failed with errcode ${errcode}`);
    this.path = template;
    this.errcode = errcode;
    this.errmsg = errmsg || (DEPT_ERRMSG[errcode] ?? '');
    this.retryable = RETRYABLE_ERRCODES.has(errcode);
  }
}

/** No answer from the source: network failure, timeout, non-200 status or a body that is no JSON object. */
export class DeptTransportError extends Error {
  override readonly name = 'DeptTransportError';
  readonly path: string;
  readonly status: number | undefined;
  /** Low-level code such as `ECONNRESET` or `ECONNABORTED`, when known. */
  readonly code: string | undefined;
  readonly retryable = true;

  constructor(path: string, reason: string, details: { status?: number; code?: string } = {}) {
    const template = safePath(path);
    super(`department source ${template} transport failure: ${reason}`);
    this.path = template;
    this.status = details.status;
    this.code = details.code;
  }
}
