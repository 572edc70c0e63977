import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { AuditBreakReason, AuditHead, AuditVerifyResult } from './audit.types';
import { auditArchiveBoundary } from './audit-archive';
import {
  type AuditCheckpointRow,
  type AuditLogRow,
  chainHash,
  GENESIS_HASH,
  publicKeyRing,
  verifyCheckpointSignature,
} from './audit-chain';

export interface AuditVerifyOptions {
  /**
   * Start here (default 1). The link into `fromSeq` is trusted, so pass the seq of a checkpoint you
   * verified before. Rows archived (`audit_archives`) are skipped whatever `fromSeq` says: the walk
   * then starts after the newest archive, whose last hash the first online row must link to, and
   * whose end must be a signed checkpoint; the archive files verify offline (audit-archive-file.ts).
   */
  fromSeq?: number;
  /**
   * SM2 public keys (hex, `04…`) that may have signed checkpoints; old keys stay listed after a
   * rotation. Omitted: signatures are not checked (`signaturesChecked: false`).
   */
  publicKeys?: readonly string[];
  /** Rows per keyset page (default 1000). */
  pageSize?: number;
}

interface Tables {
  audit_log: AuditLogRow;
  audit_head: { id: number; seq: number; hash: string };
  audit_checkpoints: AuditCheckpointRow;
}

type Break = { seq: number; reason: AuditBreakReason; detail: string };

/**
 * Walks `audit_log` in seq order in keyset pages, recomputing every hash, checking that seqs run
 * without gaps and that each row links to the one before, comparing the rows with the signed
 * checkpoints and the head, and stops at the first problem.
 *
 * It first reads the head, the highest row seq and the highest checkpoint seq together; rows appended
 * while it runs are beyond that head and are left for the next run. A row beyond the head, or a
 * checkpoint beyond the last row, means rows were forged or the log was rolled back.
 *
 * What a hash chain cannot show: a forger who rewrites a suffix of the chain and the head is caught
 * only by a signed checkpoint in that suffix, and rows appended after the last checkpoint can be cut
 * together with the head. Hence checkpoints every few minutes, copied off-host.
 */
export async function verifyAuditChain(
  database: Db,
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> {
  const db = database as unknown as Kysely<Tables>;
  const archived = await auditArchiveBoundary(database);
  const fromSeq = Math.max(options.fromSeq ?? 1, archived ? archived.toSeq + 1 : 1);
  const pageSize = options.pageSize ?? 1000;
  const ring = options.publicKeys ? publicKeyRing(options.publicKeys) : undefined;

  const snapshot = await db.transaction().execute(async (tx) => {
    const head = await tx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst();
    const maxRow = await tx
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    const maxCp = await tx
      .selectFrom('audit_checkpoints')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return {
      head: { seq: Number(head?.seq ?? 0), hash: head?.hash ?? GENESIS_HASH } satisfies AuditHead,
      headFound: head !== undefined,
      maxRow: Number(maxRow?.m ?? 0),
      maxCheckpoint: Number(maxCp?.m ?? 0),
    };
  });
  const { head } = snapshot;
  if (!snapshot.headFound) {
    return {
      ok: false,
      checked: 0,
      checkpoints: 0,
      signaturesChecked: ring !== undefined,
      head,
      firstBad: { seq: snapshot.maxRow, reason: 'head_mismatch', detail: 'the audit_head row is missing' },
    };
  }

  let checked = 0;
  let checkpoints = 0;
  const result = (firstBad?: Break): AuditVerifyResult => ({
    ok: firstBad === undefined,
    checked,
    checkpoints,
    signaturesChecked: ring !== undefined,
    head,
    ...(archived && { archivedTo: archived.toSeq }),
    ...(firstBad && { firstBad }),
  });

  // Checkpoints are read page by page alongside the rows.
  let cps: AuditCheckpointRow[] = [];
  let cpAfter = fromSeq - 1;
  let cpDone = false;
  const checkpointAt = async (seq: number): Promise<AuditCheckpointRow | undefined> => {
    for (;;) {
      while (cps.length > 0 && Number(cps[0]!.seq) < seq) cps.shift();
      if (cps.length > 0 || cpDone) break;
      cps = await db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('seq', '>', cpAfter)
        .where('seq', '<=', head.seq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      if (cps.length < pageSize) cpDone = true;
      if (cps.length > 0) cpAfter = Number(cps.at(-1)!.seq);
    }
    const cp = cps[0];
    return cp && Number(cp.seq) === seq ? { ...cp, seq, signed_at: Number(cp.signed_at) } : undefined;
  };

  let expected = fromSeq;
  let prevHash: string | undefined = fromSeq === 1 ? GENESIS_HASH : undefined;
  if (archived && fromSeq === archived.toSeq + 1) {
    // The archive boundary is a signed checkpoint; the online chain must continue from its hash.
    prevHash = archived.lastHash;
    if (head.seq < archived.toSeq) {
      return result({
        seq: head.seq + 1,
        reason: 'deleted',
        detail: `rolled back below the archive ending at ${archived.toSeq}`,
      });
    }
    const cp = await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('seq', '=', archived.toSeq)
      .executeTakeFirst();
    if (!cp || cp.hash !== archived.lastHash) {
      return result({
        seq: archived.toSeq,
        reason: 'checkpoint_mismatch',
        detail: 'the archive boundary is not a signed checkpoint',
      });
    }
    if (
      ring &&
      !verifyCheckpointSignature({ ...cp, seq: Number(cp.seq), signed_at: Number(cp.signed_at) }, ring)
    ) {
      return result({
        seq: archived.toSeq,
        reason: 'bad_signature',
        detail: 'the archive boundary checkpoint does not verify',
      });
    }
    if (head.seq === archived.toSeq && head.hash !== archived.lastHash) {
      return result({ seq: head.seq, reason: 'head_mismatch', detail: 'the head records another hash' });
    }
  }
  let prevPrevHash: string | undefined;
  let lastHash: string | undefined;
  // Failure path only (one query each, no index needed): where a hash is stored now, after `seq`.
  const storedAfter = async (hash: string, seq: number) => {
    const row = await db
      .selectFrom('audit_log')
      .select('seq')
      .where('hash', '=', hash)
      .where('seq', '>', seq)
      .executeTakeFirst();
    return row ? Number(row.seq) : undefined;
  };
  /** Names the culprit when a row's prev_hash does not match the previous row's hash. */
  const linkBreak = async (row: AuditLogRow): Promise<Break> => {
    if (prevPrevHash !== undefined && row.prev_hash === prevPrevHash) {
      return {
        seq: row.seq - 1,
        reason: 'inserted',
        detail: `seq ${row.seq} links past it to seq ${row.seq - 2}`,
      };
    }
    const target = await storedAfter(row.prev_hash, row.seq);
    if (target !== undefined) {
      return { seq: row.seq, reason: 'reordered', detail: `links to seq ${target}, stored after it` };
    }
    if (chainHash(row.prev_hash, row) === row.hash && row.seq > fromSeq) {
      return {
        seq: row.seq - 1,
        reason: 'edited',
        detail: `re-hashed: seq ${row.seq} links to another version`,
      };
    }
    return { seq: row.seq, reason: 'edited', detail: 'prev_hash does not match the previous row' };
  };

  for (;;) {
    const page = (
      await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>=', expected)
        .where('seq', '<=', head.seq)
        .orderBy('seq')
        .limit(pageSize)
        .execute()
    ).map(normalize);
    for (const row of page) {
      if (row.seq !== expected) {
        return result({ seq: expected, reason: 'deleted', detail: `seq ${expected}–${row.seq - 1} missing` });
      }
      if (prevHash !== undefined && row.prev_hash !== prevHash) return result(await linkBreak(row));
      if (chainHash(row.prev_hash, row) !== row.hash) {
        return result({ seq: row.seq, reason: 'edited', detail: 'fields do not match the row hash' });
      }
      checked++;
      const cp = await checkpointAt(row.seq);
      if (cp) {
        if (ring && !verifyCheckpointSignature(cp, ring)) {
          const why = ring.has(cp.key_id) ? 'signature does not verify' : `unknown key ${cp.key_id}`;
          return result({ seq: row.seq, reason: 'bad_signature', detail: `checkpoint ${why}` });
        }
        if (cp.hash !== row.hash) {
          const moved = await storedAfter(cp.hash, row.seq);
          return result(
            moved === undefined
              ? {
                  seq: row.seq,
                  reason: 'checkpoint_mismatch',
                  detail: 'signed checkpoint names another hash',
                }
              : {
                  seq: row.seq,
                  reason: 'inserted',
                  detail: `the checkpointed row was moved to seq ${moved}`,
                },
          );
        }
        checkpoints++;
      }
      prevPrevHash = prevHash;
      prevHash = row.hash;
      lastHash = row.hash;
      expected = row.seq + 1;
    }

    if (page.length < pageSize) break;
  }

  if (expected <= head.seq) {
    return result({
      seq: expected,
      reason: 'deleted',
      detail: `log ends at ${expected - 1}, head is ${head.seq}`,
    });
  }
  if (lastHash !== undefined && lastHash !== head.hash) {
    return result({ seq: head.seq, reason: 'head_mismatch', detail: 'the head records another hash' });
  }
  if (snapshot.maxCheckpoint > head.seq) {
    return result({
      seq: head.seq + 1,
      reason: 'deleted',
      detail: `rolled back: a checkpoint covers seq ${snapshot.maxCheckpoint}`,
    });
  }
  if (snapshot.maxRow > head.seq) {
    return result({ seq: head.seq + 1, reason: 'inserted', detail: 'row beyond the recorded head' });
  }
  return result();
}

function normalize(row: AuditLogRow): AuditLogRow {
  return { ...row, seq: Number(row.seq), at: Number(row.at) };
}
