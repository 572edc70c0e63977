/**
 * The H5 build opened inside DingTalk (a DingTalk H5 micro-app, e.g. from a 待办 or 工作通知 link):
 * staff sign in silently with a 免登 code from DingTalk's JSAPI, like the DingTalk mini-app.
 * Imported only by index.h5.ts; DingTalk's JSAPI is loaded on demand, so browsers outside DingTalk never
 * fetch it.
 */

/** DingTalk's in-app browser says so in its user agent. */
export function inDingTalk(userAgent = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  return /DingTalk/i.test(userAgent);
}

/**
 * The corp id DingTalk puts into the micro-app URL (configured as `…?corpId=$CORPID$`), from the query
 * or from the hash route's query.
 */
export function corpIdOf(href: string): string | undefined {
  const url = new URL(href);
  const hashQuery = url.hash.includes('?') ? url.hash.slice(url.hash.indexOf('?') + 1) : '';
  return url.searchParams.get('corpId') ?? new URLSearchParams(hashQuery).get('corpId') ?? undefined;
}

/** A one-time 免登 code (5 minutes) for the gateway's `POST /auth/dingtalk`. */
export async function dingtalkAuthCode(corpId: string): Promise<string> {
  const { default: requestAuthCode } = await import('dingtalk-jsapi/api/runtime/permission/requestAuthCode');
  const { code } = await requestAuthCode({ corpId });
  return code;
}
