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
      extend: async (ms) => {
        const mine = held.get(key);
        if (mine?.token !== token || mine.expiresAt <= now()) return false;
        mine.expiresAt = now() + ms;
        return true;
      },
    };
  };
  return { tryAcquire, withLock: withLockOf(tryAcquire) };
}
