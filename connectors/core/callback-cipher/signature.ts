import { createHash, timingSafeEqual } from 'node:crypto';
import { CallbackCipherError } from './errors';

/** sha1 over the parts sorted as UTF-8 byte strings and concatenated, lowercase hex. */
export function sortedSha1(parts: readonly string[]): string {
  for (const part of parts) {
    if (typeof part !== 'string') throw new CallbackCipherError('ComputeSignature', 'non-string part');
  }
  const sorted = parts.map((p) => Buffer.from(p, 'utf8')).sort(Buffer.compare);
  const hash = createHash('sha1');
  for (const part of sorted) hash.update(part);
  return hash.digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function sameSignature(received: string, expected: string): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * WeChat plain-mode `signature` = sha1(sort(token, timestamp, nonce)), used by the GET URL check and
 * plaintext pushes (platforms.md §1.6).
 */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return sortedSha1([token, timestamp, nonce]);
}
