import type { KeyValueStore } from '../platform/types';
import type { Session } from './http';

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

interface Stored {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
}

/**
 * A stored login (citizen or staff). `renew` is the refresh call: it is given the stored tokens and
 * answers new ones, or undefined when the login is gone. Concurrent 401s share one refresh (a citizen
 * refresh token is single-use: two parallel refreshes would revoke the whole login).
 */
export class StoredSession implements Session {
  private inflight: Promise<boolean> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
    private readonly renew: (current: Stored) => Promise<Tokens | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  save(tokens: Tokens): void {
    const previous = this.store.get<Stored>(this.key);
    this.store.set(this.key, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? previous?.refreshToken,
      expiresAt: this.now() + tokens.expiresIn * 1000,
    } satisfies Stored);
  }

  clear(): void {
    this.store.remove(this.key);
  }

  get signedIn(): boolean {
    return this.store.get<Stored>(this.key) !== undefined;
  }

  accessToken(): string | undefined {
    return this.store.get<Stored>(this.key)?.accessToken;
  }

  refresh(): Promise<boolean> {
    this.inflight ??= (async () => {
      const current = this.store.get<Stored>(this.key);
      if (!current) return false;
      try {
        const next = await this.renew(current);
        if (!next) return false;
        this.save(next);
        return true;
      } catch {
        return false;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  onLost(): void {
    this.clear();
    for (const l of this.listeners) l();
  }

  /** Called when the login is gone for good (refresh failed): pages send the user to sign in again. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
