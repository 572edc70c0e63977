import { createHash } from 'node:crypto';
import type { Cache } from '../platform/cache/cache';

/** Nonces are remembered at least this long (SECURITY.md: `SET NX EX 600`). */
export const MIN_NONCE_TTL_SECONDS = 600;

/**
 * Replay protection for signed callbacks, checked after the signature and before decryption:
 * a timestamp outside ±`maxSkewSeconds` is stale, and a nonce seen within the window is a replay.
 *
 * A nonce is remembered only once its callback was durably handled ({@link remember}), not when it
 * is first seen: platforms retry a request they got no answer to with the same nonce (WeChat and
 * WeCom re-send the identical request), and a retry of a request that failed before the inbox commit
 * must get through, or the event would be lost.
 */
export class ReplayGuard {
  private readonly ttlSeconds: number;

  constructor(
    private readonly cache: Cache,
    private readonly maxSkewSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.ttlSeconds = Math.max(MIN_NONCE_TTL_SECONDS, 2 * maxSkewSeconds);
  }

  /**
   * True when `timestamp` lies within the window. Seconds (10 digits, WeChat/WeCom/OA) and
   * milliseconds (13 digits, DingTalk) are both understood. Always true when the window is disabled.
   */
  fresh(timestamp: string): boolean {
    if (this.maxSkewSeconds === 0) return true;
    if (!/^\d{1,13}$/.test(timestamp)) return false;
    const value = Number(timestamp);
    const ms = timestamp.length >= 12 ? value : value * 1000;
    return Math.abs(this.now() - ms) <= this.maxSkewSeconds * 1000;
  }

  /** True when `nonce` was remembered for `source` within the window. */
  async seen(source: string, nonce: string): Promise<boolean> {
    return (await this.cache.get(this.key(source, nonce))) !== null;
  }

  /** Remembers `nonce` for the window (set if absent: a concurrent twin changes nothing). */
  async remember(source: string, nonce: string): Promise<void> {
    await this.cache.setIfAbsent(this.key(source, nonce), '1', this.ttlSeconds);
  }

  private key(source: string, nonce: string): string {
    // Nonces come from the request: hashed, they cannot shape the cache key.
    return `callbacks:nonce:${source}:${createHash('sha256').update(nonce).digest('base64url')}`;
  }
}
