import { requestId } from './errcodes';

/** A new-generation error answer: HTTP 4xx/5xx `{code, message, requestid}` (platforms.md §2.1). */
export interface V1Error {
  status: number;
  code: string;
  message: string;
}

/** What a v1.0 route answers: HTTP 200 with the resource, or a {@link V1Error}. */
export type V1Result = { body: Record<string, unknown> } | { error: V1Error };

export const v1Error = (status: number, code: string, message: string): { error: V1Error } => ({
  error: { status, code, message },
});

/** Codes of platforms.md §2.1/§2.4/§2.7; `[sim]` marks ones the docs do not spell out. */
export const V1 = {
  badToken: { status: 400, code: 'InvalidAuthentication', message: '不合法的access_token' },
  badClient: { status: 400, code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' },
  appQps: {
    status: 403,
    code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi',
    message: '当前应用调用该接口的并发量超过限制',
  },
  globalQps: {
    status: 403,
    code: 'Forbidden.AccessDenied.QpsLimitForApi',
    message: '调用该接口的并发量超过限制',
  },
  monthly: {
    status: 403,
    code: 'Forbidden.AccessDenied.ApiCountLimitForOrg',
    message: '调用次数超过企业每月限制',
  },
  systemError: { status: 500, code: 'systemError', message: '系统错误' },
  // [sim] The body of an unknown v1.0 path is not in platforms.md.
  notFound: {
    status: 404,
    code: 'InvalidAction.NotFound',
    message: 'Specified api is not found, please check your url and method.',
  },
  // [sim] A body that is not a JSON object.
  badJson: { status: 400, code: 'InvalidParameter', message: '无效的参数' },
} satisfies Record<string, V1Error>;

/** The wire body of `error`. */
export function v1ErrorBody(error: V1Error): Record<string, unknown> {
  return { code: error.code, message: error.message, requestid: requestId() };
}

/**
 * An oapi-style errcode fault on a v1.0 path, answered the new way: flow-control codes as HTTP 403,
 * -1 as HTTP 500 systemError, 15 as a 504 gateway timeout, 88/40014 as InvalidAuthentication; any
 * other errcode as HTTP 400 `paramError` [sim].
 */
export function v1ErrorForErrcode(errcode: number, subCode?: string): V1Error {
  if (errcode === 90018 || errcode === 90006) return V1.appQps;
  if (errcode === 90002) return V1.globalQps;
  if (errcode === 90020) return V1.monthly;
  if (errcode === -1) return V1.systemError;
  if (errcode === 15) return { status: 504, code: 'GatewayTimeout', message: '网关超时' };
  if (errcode === 40014 || (errcode === 88 && (subCode === undefined || subCode === '40014')))
    return V1.badToken;
  return { status: 400, code: 'paramError', message: `simulated errcode ${errcode}` };
}
