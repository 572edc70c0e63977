import type { StreamSubscription } from './open-connection';

/** A well-formed registration body. */
export interface OpenRequest {
  clientId: string;
  clientSecret: string;
  subscriptions: StreamSubscription[];
  ua: string;
  localIp: string;
}

/** Subscriptions accepted in one registration (a guard for the simulator, not a documented limit). */
const MAX_SUBSCRIPTIONS = 100;
const MAX_TEXT = 256;

/**
 * Read a `POST /v1.0/gateway/connections/open` body, or the v1.0 error to answer. The codes of shape
 * errors (`MissingParameter`, `InvalidParameter`) are simulator wording: DingTalk does not document them.
 */
export function readOpenRequest(body: unknown): OpenRequest | { error: { code: string; message: string } } {
  const value =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  for (const name of ['clientId', 'clientSecret'] as const) {
    if (!isText(value[name])) return { error: { code: 'MissingParameter', message: `缺少参数 ${name}` } };
  }
  const list = value.subscriptions;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_SUBSCRIPTIONS) {
    return { error: { code: 'InvalidParameter', message: '参数 subscriptions 不合法' } };
  }
  const subscriptions: StreamSubscription[] = [];
  for (const item of list) {
    const sub = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if ((sub.type !== 'EVENT' && sub.type !== 'CALLBACK') || !isText(sub.topic)) {
      return { error: { code: 'InvalidParameter', message: '参数 subscriptions 不合法' } };
    }
    subscriptions.push({ type: sub.type, topic: sub.topic });
  }
  return {
    clientId: value.clientId as string,
    clientSecret: value.clientSecret as string,
    subscriptions,
    ua: typeof value.ua === 'string' ? value.ua.slice(0, MAX_TEXT) : '',
    localIp: typeof value.localIp === 'string' ? value.localIp.slice(0, MAX_TEXT) : '',
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_TEXT;
}
