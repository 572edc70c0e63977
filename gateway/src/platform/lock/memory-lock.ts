import { randomUUID } from 'node:crypto';
import { type LockManager, withLockOf } from './lock';

export function createMemoryLocks(now: () => number = Date.now): LockManager {
  const held = new Map<string, { token: string; expiresAt: number }>();
  const tryAcquire: LockManager['tryAcquire'] = async (key, ttlMs) => {
    const current = held.get(key);
    if (current && current.expiresAt > now()) return null;
    const token = randomUUID();
    held.set(key, { token, expiresAt: now() + ttlMs });
    return {
      key,
      token,
      release: async () => {
        if (held.get(key)?.token === token) held.delete(key);
      },
    };
  };
  return { tryAcquire, withLock: withLockOf(tryAcquire) };
}
