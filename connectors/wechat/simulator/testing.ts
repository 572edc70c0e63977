// Raw HTTP helpers for simulator tests: they look at the wire, not through the client.

export const APP = { appId: 'wx0123456789abcdef', appSecret: 'sim-secret-0123456789abcdef01234567' };

export interface RawAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function answer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function getJson(
  base: string,
  path: string,
  query: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return answer(await fetch(url));
}

export async function postJson(base: string, path: string, body: unknown): Promise<RawAnswer> {
  const init: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json' } };
  init.body = typeof body === 'string' ? body : JSON.stringify(body);
  return answer(await fetch(new URL(path, base), init));
}

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
