/**
 * The audit archive file: a prefix of the chain moved off-line by `housekeeping.audit-archive`, and
 * verifiable on its own (`npm run audit:verify -- --archive <file>`), with no database.
 *
 * `audit-<from>-<to>.jsonl.gz` (gzip of UTF-8 JSON lines, keys sorted):
 *   line 1     `{"format":"gcrm-audit-archive/1","fromSeq":…,"toSeq":…,"prevHash":…,"createdAt":…}`
 *   then       `{"checkpoint":{seq,hash,signed_at,signature,key_id}}` for every checkpoint in the range
 *   then       `{"row":{…every audit_log column…}}` for seq fromSeq…toSeq, in order.
 * The last row is a signed checkpoint's row: its SM2 signature covers the last hash, which through the
 * chain covers every row before it, so the whole file is authenticated once the signature verifies.
 * `prevHash` (the hash of row fromSeq − 1) links the file to the archive before it (the genesis hash for
 * seq 1). Beside it, `<file>.sm3` holds the SM3 digest of the file's bytes (`<hex>  <name>`), also
 * recorded in `audit_archives.sm3`.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { AuditBreakReason } from './audit.types';
import {
  type AuditCheckpointRow,
  type AuditLogRow,
  chainHash,
  GENESIS_HASH,
  publicKeyRing,
  verifyCheckpointSignature,
} from './audit-chain';

export const ARCHIVE_FORMAT = 'gcrm-audit-archive/1';

export interface AuditArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  fromSeq: number;
  toSeq: number;
  prevHash: string;
  createdAt: number;
}

/** Why an archive file does not verify: a chain reason, or the file itself. */
export type ArchiveProblem =
  | AuditBreakReason
  | 'digest_mismatch'
  | 'malformed'
  | 'unsigned_end'
  | 'not_linked';

export interface ArchiveVerifyResult {
  ok: boolean;
  file: string;
  fromSeq: number;
  toSeq: number;
  prevHash: string;
  /** Hash of the last row (`toSeq`): the next archive's `prevHash`, or the online chain's link. */
  lastHash: string;
  checked: number;
  checkpoints: number;
  signaturesChecked: boolean;
  /** SM3 of the file's bytes; `digestChecked` when compared with an expected value (sidecar or argument). */
  sm3: string;
  digestChecked: boolean;
  firstBad?: { seq: number; reason: ArchiveProblem; detail: string };
}

export interface ArchiveVerifyOptions {
  /** SM2 public keys (hex `04…`); omitted: signatures are not checked. */
  publicKeys?: readonly string[];
  /** Expected SM3 of the file; default: read from `<file>.sm3` when present. */
  sm3?: string;
  /** The archive before this one: this file must start right after it and link to its last hash. */
  after?: { toSeq: number; lastHash: string };
}

export const sm3File = async (file: string): Promise<string> => {
  const hash = createHash('sm3');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

export const sidecarLine = (digest: string, file: string) => `${digest}  ${basename(file)}\n`;

/** The JSON lines of an archive file, gunzipped when it is gzip (by its magic bytes). */
export function archiveLines(file: string): AsyncIterable<string> {
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  let stream: Readable = createReadStream(file);
  if (head[0] === 0x1f && head[1] === 0x8b) stream = stream.pipe(createGunzip());
  return createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
}

/**
 * Verifies an archive file offline: digest, header, gapless seqs from `fromSeq` to `toSeq`, every link
 * and row hash, every checkpoint in the range (signature when keys are given), and that the last row
 * is a checkpoint's. Never throws for a bad file: the first problem is in `firstBad`.
 */
export async function verifyAuditArchive(
  file: string,
  options: ArchiveVerifyOptions = {},
): Promise<ArchiveVerifyResult> {
  const ring = options.publicKeys ? publicKeyRing(options.publicKeys) : undefined;
  const sidecar = `${file}.sm3`;
  const expected =
    options.sm3 ?? (existsSync(sidecar) ? readFileSync(sidecar, 'utf8').trim().split(/\s+/)[0] : undefined);
  const result: ArchiveVerifyResult = {
    ok: false,
    file,
    fromSeq: 0,
    toSeq: 0,
    prevHash: '',
    lastHash: '',
    checked: 0,
    checkpoints: 0,
    signaturesChecked: ring !== undefined,
    sm3: await sm3File(file),
    digestChecked: expected !== undefined,
  };
  const fail = (seq: number, reason: ArchiveProblem, detail: string) => {
    result.firstBad = { seq, reason, detail };
    return result;
  };
  if (expected !== undefined && expected.toLowerCase() !== result.sm3) {
    return fail(0, 'digest_mismatch', 'the file is not the one whose SM3 digest was recorded');
  }

  let header: AuditArchiveHeader | undefined;
  const cps = new Map<number, AuditCheckpointRow>();
  let expectedSeq = 0;
  let prev = '';
  try {
    for await (const line of archiveLines(file)) {
      if (line === '') continue;
      const item = JSON.parse(line) as Record<string, unknown>;
      if (!header) {
        header = item as unknown as AuditArchiveHeader;
        if (header.format !== ARCHIVE_FORMAT || !(header.fromSeq >= 1) || !(header.toSeq >= header.fromSeq)) {
          return fail(0, 'malformed', 'not a gcrm audit archive header');
        }
        Object.assign(result, { fromSeq: header.fromSeq, toSeq: header.toSeq, prevHash: header.prevHash });
        if (header.fromSeq === 1 && header.prevHash !== GENESIS_HASH) {
          return fail(1, 'edited', 'the first archive must link to the genesis hash');
        }
        if (
          options.after &&
          (header.fromSeq !== options.after.toSeq + 1 || header.prevHash !== options.after.lastHash)
        ) {
          return fail(
            header.fromSeq,
            'not_linked',
            `does not continue the archive ending at ${options.after.toSeq}`,
          );
        }
        expectedSeq = header.fromSeq;
        prev = header.prevHash;
        continue;
      }
      if (item.checkpoint) {
        const cp = item.checkpoint as AuditCheckpointRow;
        cps.set(Number(cp.seq), { ...cp, seq: Number(cp.seq), signed_at: Number(cp.signed_at) });
        continue;
      }
      const row = item.row as AuditLogRow | undefined;
      if (!row) return fail(expectedSeq, 'malformed', 'a line is neither a row nor a checkpoint');
      if (row.seq !== expectedSeq) {
        return fail(
          expectedSeq,
          row.seq > expectedSeq ? 'deleted' : 'inserted',
          `expected seq ${expectedSeq}, found ${row.seq}`,
        );
      }
      if (row.prev_hash !== prev) return fail(row.seq, 'edited', 'prev_hash does not match the previous row');
      if (chainHash(row.prev_hash, row) !== row.hash) {
        return fail(row.seq, 'edited', 'fields do not match the row hash');
      }
      const cp = cps.get(row.seq);
      if (cp) {
        if (ring && !verifyCheckpointSignature(cp, ring)) {
          return fail(
            row.seq,
            'bad_signature',
            ring.has(cp.key_id) ? 'checkpoint signature does not verify' : `unknown key ${cp.key_id}`,
          );
        }
        if (cp.hash !== row.hash)
          return fail(row.seq, 'checkpoint_mismatch', 'signed checkpoint names another hash');
        result.checkpoints++;
      }
      result.checked++;
      prev = row.hash;
      expectedSeq++;
    }
  } catch (error) {
    return fail(expectedSeq, 'malformed', `unreadable: ${(error as Error).message}`);
  }
  if (!header) return fail(0, 'malformed', 'empty file');
  result.lastHash = prev;
  if (expectedSeq !== header.toSeq + 1) {
    return fail(expectedSeq, 'deleted', `rows end at ${expectedSeq - 1}, the header says ${header.toSeq}`);
  }
  if (cps.get(header.toSeq)?.hash !== prev) {
    return fail(header.toSeq, 'unsigned_end', 'the last row is not covered by a signed checkpoint');
  }
  for (const seq of cps.keys()) {
    if (seq < header.fromSeq || seq > header.toSeq)
      return fail(seq, 'inserted', 'checkpoint outside the range');
  }
  result.ok = true;
  return result;
}
