import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Request signing of the generic OA protocol (our design, not a vendor feature: platforms.md §4).
 *
 * Canonical string, lines joined by `\n`:
 * `METHOD`, the path with query string exactly as sent, the timestamp (Unix seconds, decimal), the
 * nonce, and the lowercase hex SM3 digest of the raw body (of the empty string when there is none).
 * Signature: lowercase hex HMAC-SM3(secret, canonical). Headers: `X-GCRM-Timestamp`, `X-GCRM-Nonce`
 * (16–64 of `[A-Za-z0-9_-]`), `X-GCRM-Signature`. Receivers compare in constant time, accept a
 * timestamp within `maxSkewS` of their clock, and drop a nonce they saw inside that window.
 */
export const GENERIC_OA_HEADERS = {
  timestamp: 'x-gcrm-timestamp',
  nonce: 'x-gcrm-nonce',
  signature: 'x-gcrm-signature',
} as const;

/**
 * The path signed for result callbacks (OA → gateway), whatever URL the OA posts to: reverse proxies in
 * front of the gateway rewrite prefixes, and the per-system secret already binds the callback to its
 * system.
 */
export const GENERIC_OA_CALLBACK_PATH = '/callbacks/oa';

/** Default accepted clock difference. */
export const DEFAULT_MAX_SKEW_S = 300;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

export function canonicalRequest(
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string | Buffer,
): string {
  const digest = createHash('sm3').update(body).digest('hex');
  return [method.toUpperCase(), path, timestamp, nonce, digest].join('\n');
}

function hmac(secret: string, canonical: string): string {
  return createHmac('sm3', secret).update(canonical).digest('hex');
}

/** The three headers for a request (`nowMs` and `nonce` injectable for tests). */
export function signGenericOaRequest(input: {
  method: string;
  path: string;
  body: string | Buffer;
  secret: string;
  nowMs?: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(Math.floor((input.nowMs ?? Date.now()) / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  return {
    [GENERIC_OA_HEADERS.timestamp]: timestamp,
    [GENERIC_OA_HEADERS.nonce]: nonce,
    [GENERIC_OA_HEADERS.signature]: hmac(
      input.secret,
      canonicalRequest(input.method, input.path, timestamp, nonce, input.body),
    ),
  };
}

/** Why a signed request was refused. */
export type SignatureRefusal = 'missing-header' | 'malformed-header' | 'stale-timestamp' | 'bad-signature';

/** The outcome of a verification; on success the caller dedupes `nonce` for `maxSkewS` seconds. */
export type GenericOaVerification =
  | { valid: true; nonce: string; timestamp: number }
  | { valid: false; reason: SignatureRefusal };

/** Node's `IncomingHttpHeaders` or any record with lower-case names. */
export type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined | null {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/** Verify a signed request of `method` on `path` (with query string, as received). */
export function verifyGenericOaRequest(
  headers: HeaderBag,
  method: string,
  path: string,
  rawBody: string | Buffer,
  secret: string,
  nowMs: number,
  maxSkewS = DEFAULT_MAX_SKEW_S,
): GenericOaVerification {
  const timestamp = header(headers, GENERIC_OA_HEADERS.timestamp);
  const nonce = header(headers, GENERIC_OA_HEADERS.nonce);
  const signature = header(headers, GENERIC_OA_HEADERS.signature);
  if (timestamp === undefined || nonce === undefined || signature === undefined) {
    return { valid: false, reason: 'missing-header' };
  }
  if (
    timestamp === null ||
    nonce === null ||
    signature === null ||
    !TIMESTAMP.test(timestamp) ||
    !NONCE.test(nonce) ||
    !SIGNATURE.test(signature)
  ) {
    return { valid: false, reason: 'malformed-header' };
  }
  const seconds = Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > maxSkewS) return { valid: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(
    hmac(secret, canonicalRequest(method, path, timestamp, nonce, rawBody)),
    'hex',
  );
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex')))
    return { valid: false, reason: 'bad-signature' };
  return { valid: true, nonce, timestamp: seconds };
}

/**
 * Verify a result callback the OA posted to `POST /callbacks/oa/:system` (signed over
 * {@link GENERIC_OA_CALLBACK_PATH}). Constant-time compare; the timestamp must lie within `maxSkewS`
 * of `nowMs`. On success the caller must dedupe the returned `nonce` for `maxSkewS` seconds.
 */
export function verifyGenericOaCallback(
  headers: HeaderBag,
  rawBody: string | Buffer,
  secret: string,
  nowMs: number,
  maxSkewS = DEFAULT_MAX_SKEW_S,
): GenericOaVerification {
  return verifyGenericOaRequest(headers, 'POST', GENERIC_OA_CALLBACK_PATH, rawBody, secret, nowMs, maxSkewS);
}

/** Sign a callback body (the simulator's and any in-house OA's side). */
export function signGenericOaCallback(
  body: string | Buffer,
  secret: string,
  nowMs?: number,
): Record<string, string> {
  return signGenericOaRequest({
    method: 'POST',
    path: GENERIC_OA_CALLBACK_PATH,
    body,
    secret,
    ...(nowMs === undefined ? {} : { nowMs }),
  });
}
