/** errmsg texts the simulator answers with (wording modelled on the platform's, plus a request id). */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40163: 'code been used',
  41001: 'access_token missing',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit, mustslower, retry next minute',
};

let ridCounter = 0;

export function errorBody(errcode: number): { errcode: number; errmsg: string } {
  ridCounter += 1;
  const rid = `sim-${ridCounter.toString(16).padStart(8, '0')}`;
  return { errcode, errmsg: `${ERRMSG[errcode] ?? 'simulated error'}, rid: ${rid}` };
}
