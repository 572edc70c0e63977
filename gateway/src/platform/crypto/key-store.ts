/** A data key as stored: only ever in wrapped form. */
export interface StoredDataKey {
  /** Key id, written into every ciphertext: 8 lower-case hex digits. */
  kid: string;
  /** Output of {@link KeyProvider.generateDataKey}, e.g. `w1.<masterKeyId>.<base64url>`. */
  wrapped: string;
  /** ISO-8601 creation time; the newest key is the active one. */
  createdAt: string;
}

/**
 * Where wrapped data keys live (a table such as `crypto_data_key(kid PK, wrapped, created_at)`, or a
 * config file). The caller owns it; `platform/crypto` only reads all and appends one.
 */
export interface KeyStore {
  /** Every stored data key, in any order. */
  loadAll(): Promise<StoredDataKey[]>;
  /** Appends a new key. Must reject (throw) a `kid` that is already stored, never overwrite it. */
  save(key: StoredDataKey): Promise<void>;
}

/** An in-memory {@link KeyStore} for tests, benchmarks and single-process development. */
export class MemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, StoredDataKey>();

  async loadAll(): Promise<StoredDataKey[]> {
    return [...this.#keys.values()].map((k) => ({ ...k }));
  }

  async save(key: StoredDataKey): Promise<void> {
    if (this.#keys.has(key.kid)) throw new Error(`data key ${key.kid} already stored`);
    this.#keys.set(key.kid, { ...key });
  }
}
