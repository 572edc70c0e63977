import { createHmac } from 'node:crypto';

/**
 * Aliyun RPC percent-encoding: RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) stay, everything
 * else is UTF-8 `%XY` with upper-case hex, space as `%20` (help.aliyun.com/document_detail/28839).
 *
 * @throws URIError on a lone surrogate (not encodable as UTF-8).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Sorted `name=value` pairs joined by `&`, both percent-encoded; `Signature` itself is left out. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .map((name) => [percentEncode(name), percentEncode(params[name]!)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** `METHOD&%2F&percentEncode(canonicalQuery)`. */
export function stringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`;
}

/** Base64(HMAC-SHA1(secret + "&", stringToSign)): signature method HMAC-SHA1, version 1.0. */
export function rpcSignature(
  method: 'GET' | 'POST',
  params: Record<string, string>,
  accessKeySecret: string,
): string {
  return createHmac('sha1', `${accessKeySecret}&`)
    .update(stringToSign(method, params), 'utf8')
    .digest('base64');
}
