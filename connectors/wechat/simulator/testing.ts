// Raw HTTP helpers for simulator tests: they look at the wire, not through the client.
import { getJson, postJson } from '../../core/testing/raw-http';

export { getJson, postJson, type RawAnswer } from '../../core/testing/raw-http';

export const APP = { appId: 'wx0123456789abcdef', appSecret: 'sim-secret-0123456789abcdef01234567' };

export function exchange(base: string, jsCode: string, overrides: Record<string, string> = {}) {
  return getJson(base, '/sns/jscode2session', {
    appid: APP.appId,
    secret: APP.appSecret,
    js_code: jsCode,
    grant_type: 'authorization_code',
    ...overrides,
  });
}

export function stableToken(base: string, forceRefresh = false, overrides: Record<string, unknown> = {}) {
  return postJson(base, '/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    appid: APP.appId,
    secret: APP.appSecret,
    force_refresh: forceRefresh,
    ...overrides,
  });
}

/** Seconds to advance so the simulator clock sits one hour into the next Beijing (UTC+8) day. */
export function secondsToNextBeijingDay(nowMs: number): number {
  const day = 86_400_000;
  const intoDay = (nowMs + 8 * 3_600_000) % day;
  return Math.ceil((day - intoDay) / 1000) + 3600;
}
