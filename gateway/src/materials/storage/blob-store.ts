/**
 * The storage port for material bytes: content-addressed by SHA-256 (lower-case hex), so the same
 * bytes are stored once however many citizens or materials refer to them. Implementations: local
 * disk ({@link createLocalDiskStore}, the default); an S3-compatible store can implement the same
 * four methods.
 */
export interface BlobStore {
  /**
   * Stores `data` under `sha256` (the caller has computed it from `data`). Idempotent: putting bytes
   * already present is a no-op; concurrent puts of one hash leave one complete copy, never a torn one.
   */
  put(sha256: string, data: Buffer): Promise<void>;
  /** The bytes, or null when nothing is stored under `sha256`. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  /** Removes the bytes; deleting a missing blob is not an error. */
  delete(sha256: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Guards implementations against keys that are not hashes (and so against path tricks). */
export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error('blob key is not a lower-case SHA-256 hex digest');
}
