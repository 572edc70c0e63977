import { crc32 } from 'node:zlib';
import type { OaBucketChecksum, OaState } from '../port';

/**
 * Reconciliation checksums of the generic OA protocol (the same formulas on both sides; MySQL computes
 * ours with `CRC32` and `BIT_XOR`):
 * - a document's bucket is `CRC32(externalId) mod buckets`;
 * - a bucket's checksum is its document count and the XOR of `CRC32(externalId + ':' + state)`.
 *
 * CRC-32 is the IEEE polynomial over the UTF-8 bytes (zlib, MySQL, PHP, Java's `CRC32` all agree).
 * XOR is order-free, so both sides can fold rows in any order and update a bucket by XOR-ing an
 * entry out and in again.
 */
export const MAX_RECONCILE_BUCKETS = 65_536;

export function reconcileBucket(externalId: string, buckets: number): number {
  return crc32(externalId) % buckets;
}

export function reconcileEntry(externalId: string, state: string): number {
  return crc32(`${externalId}:${state}`);
}

/** Byte order of two ids (MySQL `utf8mb4_bin`, SQLite BINARY): what `listBucket` pages follow. */
export function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Folds `(externalId, state)` pairs into per-bucket checksums. */
export function foldChecksums(
  entries: Iterable<{ externalId: string; state: OaState | string }>,
  buckets: number,
): OaBucketChecksum[] {
  const out = Array.from({ length: buckets }, () => ({ count: 0, xor: 0 }));
  for (const e of entries) {
    const slot = out[reconcileBucket(e.externalId, buckets)]!;
    slot.count++;
    slot.xor = (slot.xor ^ reconcileEntry(e.externalId, e.state)) >>> 0;
  }
  return out;
}

/**
 * The simulator's index of document ids per bucket (one per bucket count asked for), kept up to date
 * as documents are added and removed, each bucket sorted on first read after a change.
 */
export class BucketIndex {
  private readonly indexes = new Map<number, { ids: string[][]; dirty: Set<number> }>();

  constructor(private readonly allIds: () => Iterable<string>) {}

  added(externalId: string): void {
    for (const [buckets, index] of this.indexes) {
      const b = reconcileBucket(externalId, buckets);
      index.ids[b]!.push(externalId);
      index.dirty.add(b);
    }
  }

  removed(externalId: string): void {
    for (const [buckets, index] of this.indexes) {
      const list = index.ids[reconcileBucket(externalId, buckets)]!;
      const at = list.indexOf(externalId);
      if (at >= 0) list.splice(at, 1);
    }
  }

  /** Ids of `bucket` in byte order. */
  bucket(bucket: number, buckets: number): string[] {
    let index = this.indexes.get(buckets);
    if (!index) {
      const ids = Array.from({ length: buckets }, () => [] as string[]);
      for (const id of this.allIds()) ids[reconcileBucket(id, buckets)]!.push(id);
      index = { ids, dirty: new Set(ids.keys()) };
      this.indexes.set(buckets, index);
    }
    const list = index.ids[bucket]!;
    if (index.dirty.delete(bucket)) list.sort(compareIds);
    return list;
  }
}
