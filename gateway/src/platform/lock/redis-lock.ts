import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type LockManager, withLockOf } from './lock';

// Delete only our own lease: a holder whose lease expired must not free the next holder's.
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

const EXTEND =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export function createRedisLocks(redis: Redis, prefix: string): LockManager {
  const tryAcquire: LockManager['tryAcquire'] = async (key, ttlMs) => {
    const token = randomUUID();
    const ok = await redis.set(`${prefix}lock:${key}`, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return {
      key,
      token,
      release: async () => void (await redis.eval(RELEASE, 1, `${prefix}lock:${key}`, token)),
      extend: async (ms) => (await redis.eval(EXTEND, 1, `${prefix}lock:${key}`, token, String(ms))) === 1,
    };
  };
  return { tryAcquire, withLock: withLockOf(tryAcquire) };
}
