/** errmsg texts the simulator answers with (wording modelled on the platform's, plus a request id). */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  41030: 'invalid page',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit, mustslower, retry next minute',
  43101: 'user refuse to accept the msg',
  47001: 'data format error',
  47003: 'argument invalid!',
};

let ridCounter = 0;

/** `detail` names the offending field (47003: `data.thing1.value`); never caller data. */
export function errorBody(errcode: number, detail?: string): { errcode: number; errmsg: string } {
  ridCounter += 1;
  const rid = `sim-${ridCounter.toString(16).padStart(8, '0')}`;
  const text = ERRMSG[errcode] ?? 'simulated error';
  return { errcode, errmsg: `${detail ? `${text} ${detail} is invalid` : text}, rid: ${rid}` };
}
