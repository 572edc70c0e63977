/** errmsg texts the simulator answers with (meanings from platforms.md §3.4 and the path/90313 table). */
const ERRMSG: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40013: 'invalid corpid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40058: 'invalid parameter',
  41001: 'access_token missing',
  41002: 'corpid missing',
  41004: 'corpsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  45009: 'api freq out of limit',
  45033: 'api concurrent out of limit',
  60003: 'department not found',
  60111: 'userid not found',
};

let ridCounter = 0;

/** `{errcode, errmsg}`; like WeCom, errmsg ends with a hint URL and a request id, never caller data. */
export function errorBody(errcode: number): { errcode: number; errmsg: string } {
  ridCounter += 1;
  const hint = `https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
  const text = ERRMSG[errcode] ?? 'simulated error';
  return {
    errcode,
    errmsg: `${text}, hint: [sim-${ridCounter.toString(16).padStart(8, '0')}], from ip: 127.0.0.1, more info at ${hint}`,
  };
}
