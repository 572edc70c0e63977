/**
 * The errcodes every department simulator answers (HTTP 200 `{errcode, errmsg}`, except unknown paths:
 * HTTP 404 with errcode 40400). Messages are zh-CN and never echo request values.
 */
export const DEPT_ERRCODES = {
  ok: 0,
  systemBusy: -1,
  badCredentials: 40001,
  badIdNumber: 40003,
  badBatch: 40004,
  badCursor: 40005,
  badParameter: 40006,
  noChangeFeed: 40010,
  invalidToken: 40014,
  missingToken: 41001,
  expiredToken: 42001,
  notFound: 44004,
  rateLimited: 45009,
  noSuchApi: 40400,
} as const;

export const DEPT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: '系统繁忙，请稍后重试',
  40001: '应用标识或应用密钥不正确',
  40003: '身份证号码格式不正确',
  40004: '批量查询须提供 1 至 100 个身份证号码',
  40005: '游标无效或已过期，请从头同步',
  40006: '请求参数不正确',
  40010: '该数据源不提供变更订阅，请按月拉取',
  40014: '访问令牌无效',
  41001: '缺少访问令牌',
  42001: '访问令牌已过期',
  44004: '未查询到该身份证号码的记录',
  45009: '调用频率超过限制，请稍后重试',
  40400: '接口不存在',
};

/** Errcodes after which the same call may succeed later without any change. */
export const RETRYABLE_ERRCODES: ReadonlySet<number> = new Set([-1, 45009]);

/** Errcodes meaning "this access token is no longer accepted": fetch a new one. */
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40014, 42001]);

export function errorBody(errcode: number): { errcode: number; errmsg: string } {
  return { errcode, errmsg: DEPT_ERRMSG[errcode] ?? '未知错误' };
}
