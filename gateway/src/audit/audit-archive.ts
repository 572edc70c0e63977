import {
  closeSync,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { stableStringify } from '../platform/stable-json';
import {
  ARCHIVE_FORMAT,
  type AuditArchiveHeader,
  sidecarLine,
  sm3File,
  verifyAuditArchive,
} from './audit-archive-file';
import {
  type AuditCheckpointRow,
  type AuditLogRow,
  chainHash,
  GENESIS_HASH,
  publicKeyRing,
  verifyCheckpointSignature,
} from './audit-chain';

export interface AuditArchiveRow {
  from_seq: number;
  to_seq: number;
  prev_hash: string;
  last_hash: string;
  file: string;
  sm3: string;
  row_count: number;
  archived_at: number;
  purged_at: number | null;
}

interface Tables {
  audit_log: AuditLogRow;
  audit_head: { id: number; seq: number; hash: string };
  audit_checkpoints: AuditCheckpointRow;
  audit_archives: AuditArchiveRow;
}

export interface AuditArchiverOptions {
  /** Where archive files go (`<DATA_DIR>/archive`). */
  dir: string;
  /** Checkpoint keys: when given, every checkpoint in a range is verified before it is archived. */
  publicKeys?: readonly string[];
  /** Most rows per file when a checkpoint allows a smaller file (default 200 000). */
  maxRowsPerFile?: number;
  /** Rows read per page and deleted per statement (default 1000). */
  batchSize?: number;
  now?: () => number;
}

/** What one {@link AuditArchiver.step} did. */
export type AuditArchiveStep =
  | { kind: 'archived'; fromSeq: number; toSeq: number; rows: number; file: string }
  | { kind: 'purged'; fromSeq: number; toSeq: number; deleted: number; done: boolean }
  | { kind: 'idle' };

const MIN_ONLINE_MS = 180 * 86_400_000;

const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** The newest archive boundary: verification starts after `toSeq`, linking to `lastHash`. */
export async function auditArchiveBoundary(
  database: Db,
): Promise<{ toSeq: number; lastHash: string } | undefined> {
  const db = database as unknown as Kysely<Tables>;
  let row: Pick<AuditArchiveRow, 'to_seq' | 'last_hash'> | undefined;
  try {
    row = await db
      .selectFrom('audit_archives')
      .select(['to_seq', 'last_hash'])
      .orderBy('to_seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  } catch {
    // No archive table (not migrated): nothing was archived. Dropping the table to hide a cut prefix
    // does not help a forger: verification then starts at seq 1 and finds the rows missing.
    return undefined;
  }
  return row && { toSeq: Number(row.to_seq), lastHash: row.last_hash };
}

/**
 * Moves the oldest part of the audit log to archive files, keeping the rest verifiable. Work goes in
 * small steps, each safe to interrupt: a file is written to a temporary name, synced, renamed and
 * verified before its `audit_archives` row commits; rows are deleted only after that, in batches,
 * and a step first finishes the deletion an interrupted run left behind.
 *
 * A range ends at a signed checkpoint, and every row in it is older than the cutoff: rows newer than
 * the retention period never leave the database, whatever the checkpoint interval.
 */
export class AuditArchiver {
  private readonly db: Kysely<Tables>;
  private readonly ring;

  constructor(
    database: Db,
    private readonly options: AuditArchiverOptions,
  ) {
    this.db = database as unknown as Kysely<Tables>;
    this.ring = options.publicKeys ? publicKeyRing(options.publicKeys) : undefined;
  }

  /**
   * Does one step: a batch of deletions for an archived range, or the next archive file, or nothing.
   * Only rows written before `cutoff` (epoch ms) leave, and `cutoff` may not be less than 180 days ago.
   */
  async step(cutoff: number): Promise<AuditArchiveStep> {
    if (cutoff > this.now() - MIN_ONLINE_MS) {
      throw new Error(
        'audit rows stay online at least 180 days (Cybersecurity Law Art. 21): cutoff too recent',
      );
    }
    const pending = await this.db
      .selectFrom('audit_archives')
      .selectAll()
      .where('purged_at', 'is', null)
      .orderBy('from_seq')
      .limit(1)
      .executeTakeFirst();
    if (pending) return this.purge(pending);
    return this.archiveNext(cutoff);
  }

  private async purge(archive: AuditArchiveRow): Promise<AuditArchiveStep> {
    const fromSeq = Number(archive.from_seq);
    const toSeq = Number(archive.to_seq);
    const batch = this.options.batchSize ?? 1000;
    const first = await this.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.min('seq').as('m'))
      .where('seq', '<=', toSeq)
      .executeTakeFirst();
    const lowest = num(first?.m);
    let deleted = 0;
    if (lowest !== undefined) {
      const r = await this.db
        .deleteFrom('audit_log')
        .where('seq', '>=', lowest)
        .where('seq', '<', lowest + batch)
        .where('seq', '<=', toSeq)
        .executeTakeFirst();
      deleted = Number(r.numDeletedRows);
    }
    const done = lowest === undefined || lowest + batch > toSeq;
    if (done) {
      await this.db
        .updateTable('audit_archives')
        .set({ purged_at: this.now() })
        .where('from_seq', '=', fromSeq)
        .execute();
    }
    return { kind: 'purged', fromSeq, toSeq, deleted, done };
  }

  private async archiveNext(cutoff: number): Promise<AuditArchiveStep> {
    const boundary = await auditArchiveBoundary(this.db as unknown as Db);
    const after = boundary?.toSeq ?? 0;
    const prevHash = boundary?.lastHash ?? GENESIS_HASH;
    const head = await this.db.selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirst();
    const young = await this.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.min('seq').as('m'))
      .where('at', '>=', cutoff)
      .where('seq', '>', after)
      .executeTakeFirst();
    // The last seq that may leave: every row up to it is older than the cutoff.
    const lastOld = (num(young?.m) ?? Number(head?.seq ?? 0) + 1) - 1;
    const limit = Math.min(lastOld, after + (this.options.maxRowsPerFile ?? 200_000));
    const cpSeq = async (upTo: number, pick: 'max' | 'min') => {
      const r = await this.db
        .selectFrom('audit_checkpoints')
        .select((eb) => (pick === 'max' ? eb.fn.max('seq') : eb.fn.min('seq')).as('s'))
        .where('seq', '>', after)
        .where('seq', '<=', upTo)
        .executeTakeFirst();
      return num(r?.s);
    };
    const toSeq = (await cpSeq(limit, 'max')) ?? (await cpSeq(lastOld, 'min'));
    if (toSeq === undefined) return { kind: 'idle' };
    const fromSeq = after + 1;

    const checkpoints = (
      await this.db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('seq', '>=', fromSeq)
        .where('seq', '<=', toSeq)
        .orderBy('seq')
        .execute()
    ).map((cp) => ({ ...cp, seq: Number(cp.seq), signed_at: Number(cp.signed_at) }));
    for (const cp of checkpoints) {
      if (this.ring && !verifyCheckpointSignature(cp, this.ring)) {
        throw new Error(`audit checkpoint ${cp.seq} does not verify: run audit:verify before archiving`);
      }
    }
    const header: AuditArchiveHeader = {
      format: ARCHIVE_FORMAT,
      fromSeq,
      toSeq,
      prevHash,
      createdAt: this.now(),
    };
    mkdirSync(this.options.dir, { recursive: true });
    const name = `audit-${fromSeq}-${toSeq}.jsonl.gz`;
    const path = join(this.options.dir, name);
    const tmp = `${path}.partial`;
    const lastHash = { value: prevHash };
    await pipeline(
      Readable.from(this.lines(header, checkpoints, lastHash)),
      createGzip(),
      createWriteStream(tmp, { mode: 0o600 }),
    );
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    const digest = await sm3File(path);
    writeFileSync(`${path}.sm3`, sidecarLine(digest, path));
    const verified = await verifyAuditArchive(path, {
      ...(this.options.publicKeys && { publicKeys: this.options.publicKeys }),
      ...(boundary && { after: boundary }),
      sm3: digest,
    });
    if (!verified.ok) {
      throw new Error(
        `audit archive ${name} does not verify: ${verified.firstBad?.reason} at ${verified.firstBad?.seq}`,
      );
    }
    await this.db
      .insertInto('audit_archives')
      .values({
        from_seq: fromSeq,
        to_seq: toSeq,
        prev_hash: prevHash,
        last_hash: verified.lastHash,
        file: name,
        sm3: verified.sm3,
        row_count: verified.checked,
        archived_at: this.now(),
        purged_at: null,
      })
      .execute();
    return { kind: 'archived', fromSeq, toSeq, rows: verified.checked, file: name };
  }

  /** The file's lines, checking the chain as it streams: a broken prefix is never archived. */
  private async *lines(
    header: AuditArchiveHeader,
    checkpoints: AuditCheckpointRow[],
    last: { value: string },
  ) {
    yield `${stableStringify(header)}\n`;
    const bySeq = new Map(checkpoints.map((cp) => [cp.seq, cp]));
    for (const cp of checkpoints) yield `${stableStringify({ checkpoint: cp })}\n`;
    const pageSize = this.options.batchSize ?? 1000;
    let expected = header.fromSeq;
    while (expected <= header.toSeq) {
      const page = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>=', expected)
        .where('seq', '<=', header.toSeq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      if (page.length === 0) throw new Error(`audit rows from seq ${expected} are missing: not archiving`);
      const out: string[] = [];
      for (const raw of page) {
        const row = { ...raw, seq: Number(raw.seq), at: Number(raw.at) };
        if (
          row.seq !== expected ||
          row.prev_hash !== last.value ||
          chainHash(row.prev_hash, row) !== row.hash
        ) {
          throw new Error(`audit chain breaks at seq ${expected}: run audit:verify; not archiving`);
        }
        const cp = bySeq.get(row.seq);
        if (cp && cp.hash !== row.hash)
          throw new Error(`audit checkpoint ${row.seq} does not match: not archiving`);
        last.value = row.hash;
        expected++;
        out.push(`${stableStringify({ row })}\n`);
      }
      yield out.join('');
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
