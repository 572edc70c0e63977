/**
 * The lock port: a lease on a name, for work that one instance at a time should do (a token
 * refresh, a reconciliation run). A lease expires by itself, so a crashed holder cannot block
 * others for longer than `ttlMs`; only the holder's token can release it.
 */
export interface Lease {
  readonly key: string;
  readonly token: string;
  release(): Promise<void>;
  /** Keeps the lease for `ttlMs` from now, while still ours; false when it expired or was taken. */
  extend(ttlMs: number): Promise<boolean>;
}

export interface LockManager {
  /** The lease, or null when someone else holds it. */
  tryAcquire(key: string, ttlMs: number): Promise<Lease | null>;
  /** Runs `work` under the lease; null (and `work` not run) when the lease is held elsewhere. */
  withLock<T>(key: string, ttlMs: number, work: () => Promise<T>): Promise<T | null>;
}

export function withLockOf(tryAcquire: LockManager['tryAcquire']): LockManager['withLock'] {
  return async (key, ttlMs, work) => {
    const lease = await tryAcquire(key, ttlMs);
    if (!lease) return null;
    try {
      return await work();
    } finally {
      await lease.release();
    }
  };
}
