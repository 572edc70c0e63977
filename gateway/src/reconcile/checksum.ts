import { crc32 } from 'node:zlib';
import { sql } from 'kysely';
import { type Db, isMysql } from '../platform/db/database';

/**
 * Bucket checksums of our side of an OA reconciliation (the formulas of the generic OA protocol,
 * `connectors/oa/generic/reconcile.ts`): bucket = `CRC32(external_id) mod B`, checksum = row count and
 * `BIT_XOR(CRC32(external_id ':' external_state))`, leaving out links acknowledged `absent` (their
 * document is known to be missing in the OA). `integration_links.reconcile_bucket` stores the
 * bucket for {@link RECONCILE_BUCKETS}; any B dividing it can be folded from the same column.
 */
export const RECONCILE_BUCKETS = 4096;

export const bucketOf = (externalId: string, buckets = RECONCILE_BUCKETS) => crc32(externalId) % buckets;

export const entryOf = (externalId: string, state: string) => crc32(`${externalId}:${state}`);

export interface BucketChecksum {
  count: number;
  xor: number;
}

/** Our per-bucket checksums of the links of `kind` (one grouped scan of the bucket index). */
export async function linkChecksums(db: Db, kind: string): Promise<BucketChecksum[]> {
  const entry = isMysql(db)
    ? sql`crc32(concat(external_id, ':', external_state))`
    : sql`crc32(external_id || ':' || external_state)`;
  const { rows } = await sql<{ b: number | string; n: number | string; x: number | string | null }>`
    select reconcile_bucket as b, count(*) as n, bit_xor(${entry}) as x
    from integration_links where kind = ${kind} and external_state <> 'absent' group by reconcile_bucket`.execute(
    db,
  );
  const out = Array.from({ length: RECONCILE_BUCKETS }, () => ({ count: 0, xor: 0 }));
  for (const r of rows) out[Number(r.b)] = { count: Number(r.n), xor: Number(r.x ?? 0) >>> 0 };
  return out;
}
