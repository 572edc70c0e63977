import { randomBytes } from 'node:crypto';
import { CryptoError } from './errors';
import { derive, type KeyProvider } from './key-provider';
import type { KeyStore } from './key-store';

/** An unwrapped data key, split into its two single-purpose subkeys. */
export interface DataKey {
  readonly kid: string;
  readonly createdAt: string;
  /** SM4 key (16 bytes) = HKDF-SM3(dataKey, "gcrm.field.v1.enc"). */
  readonly encKey: Buffer;
  /** HMAC-SM3 key (32 bytes) = HKDF-SM3(dataKey, "gcrm.field.v1.mac"). */
  readonly macKey: Buffer;
}

export interface KeyRingOptions {
  provider: KeyProvider;
  store: KeyStore;
  /** Clock for `createdAt` of new keys (tests). */
  now?: () => Date;
}

/**
 * The data keys of field encryption: every stored key, unwrapped once at start-up, and the active one
 * (the newest by `createdAt`, ties broken by `kid`) that encrypts new values.
 *
 * Rotation without downtime: {@link rotate} stores a new key and makes it active here; old keys stay
 * for decryption. Other instances pick the new key up on {@link refresh} (call it periodically, or let
 * {@link FieldCipher.decryptRefreshing} call it when it meets an unknown key id). Re-encrypt old rows
 * lazily on write or in a background job using {@link FieldCipher.needsRotation}.
 */
export class KeyRing {
  readonly #provider: KeyProvider;
  readonly #store: KeyStore;
  readonly #now: () => Date;
  readonly #keys = new Map<string, DataKey>();
  #active: DataKey | undefined;
  #throttled: { at: number; done: Promise<void> } | undefined;

  private constructor(options: KeyRingOptions) {
    this.#provider = options.provider;
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** Loads and unwraps every stored key; creates the first one when the store is empty. */
  static async open(options: KeyRingOptions): Promise<KeyRing> {
    const ring = new KeyRing(options);
    await ring.refresh();
    if (!ring.#active) await ring.rotate();
    return ring;
  }

  /** Id of the key that encrypts new values. */
  get activeKeyId(): string {
    return this.active.kid;
  }

  /** The key that encrypts new values. */
  get active(): DataKey {
    return this.#active!;
  }

  /** The key with id `kid`. @throws CryptoError `unknown_key` if it is not loaded. */
  key(kid: string): DataKey {
    const key = this.#keys.get(kid);
    if (!key) throw new CryptoError('unknown_key', 'unknown data key id');
    return key;
  }

  has(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /** Ids of all loaded keys, oldest first. */
  keyIds(): string[] {
    return [...this.#keys.values()].sort(newestLast).map((k) => k.kid);
  }

  /** Creates, stores and activates a new data key; returns its id. Old keys remain for decryption. */
  async rotate(): Promise<string> {
    const kid = randomBytes(4).toString('hex');
    // Strictly newer than the active key, even within one millisecond or behind a slow clock.
    const after = this.#active ? Date.parse(this.#active.createdAt) + 1 : 0;
    const createdAt = new Date(Math.max(this.#now().getTime(), after)).toISOString();
    const { plaintext, wrapped } = await this.#provider.generateDataKey(wrapContext(kid));
    try {
      await this.#store.save({ kid, wrapped, createdAt });
    } catch (err) {
      plaintext.fill(0);
      throw err;
    }
    this.#add(kid, createdAt, plaintext);
    return kid;
  }

  /**
   * Loads keys stored since the last load (e.g. by another instance's {@link rotate}). With `maxAgeMs`,
   * a throttled load started less than that long ago (finished or still running) is reused instead, so
   * a flood of ciphertexts with unknown key ids cannot turn into a flood of key-store reads; loads
   * without `maxAgeMs` (start-up, explicit refreshes) always run and do not count towards the throttle.
   */
  refresh(maxAgeMs = 0): Promise<void> {
    if (maxAgeMs <= 0) return this.#load();
    const last = this.#throttled;
    if (last && performance.now() - last.at < maxAgeMs) return last.done;
    const entry = { at: performance.now(), done: this.#load() };
    this.#throttled = entry;
    // A failed load must not be reused; the caller sees the rejection through the returned promise.
    entry.done.catch(() => {
      if (this.#throttled === entry) this.#throttled = undefined;
    });
    return entry.done;
  }

  async #load(): Promise<void> {
    for (const stored of await this.#store.loadAll()) {
      if (this.#keys.has(stored.kid)) continue;
      this.#add(
        stored.kid,
        stored.createdAt,
        await this.#provider.unwrap(stored.wrapped, wrapContext(stored.kid)),
      );
    }
  }

  #add(kid: string, createdAt: string, plaintext: Buffer): void {
    try {
      if (!KID.test(kid)) throw new CryptoError('bad_key', 'data key id must be 8 lower-case hex digits');
      if (plaintext.length !== 32) throw new CryptoError('bad_key', 'data key must be 32 bytes');
      if (Number.isNaN(Date.parse(createdAt)))
        throw new CryptoError('bad_key', 'data key createdAt is not a date');
      const key: DataKey = {
        kid,
        createdAt,
        encKey: derive(plaintext, 'gcrm.field.v1.enc', 16),
        macKey: derive(plaintext, 'gcrm.field.v1.mac', 32),
      };
      this.#keys.set(kid, key);
      if (!this.#active || newestLast(this.#active, key) < 0) this.#active = key;
    } finally {
      plaintext.fill(0);
    }
  }
}

const KID = /^[0-9a-f]{8}$/;

/** The wrapping context binds a wrapped key to its id and purpose, so it cannot be relabelled. */
const wrapContext = (kid: string) => `gcrm.field-key.v1:${kid}`;

function newestLast(a: DataKey, b: DataKey): number {
  const dt = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (dt !== 0) return dt;
  return a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0;
}
