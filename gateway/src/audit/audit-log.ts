import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Db, isMysql } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { GroupCommit } from '../platform/db/group-commit';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import { stableStringify } from '../platform/stable-json';
import {
  AUDIT_RESULTS,
  type AuditAppended,
  type AuditEntry,
  type AuditHead,
  type AuditRecord,
  type AuditVerifyResult,
} from './audit.types';
import {
  type AuditCheckpointRow,
  type AuditLogRow,
  type AuditSigner,
  chainHash,
  checkpointMessage,
} from './audit-chain';
import { findPii, maskPii } from './audit-pii';
import { type AuditVerifyOptions, verifyAuditChain } from './audit-verify';

interface AuditTables {
  audit_log: AuditLogRow;
  audit_head: { id: number; seq: number; hash: string };
  audit_checkpoints: AuditCheckpointRow;
}

export const auditTables = (db: Db | Tx) => db as unknown as Kysely<AuditTables>;

/** An entry that must not be written: a bug in the caller (answered as a 500, message never shown). */
export class AuditEntryError extends Error {
  override readonly name = 'AuditEntryError';
}

export interface AuditLogOptions {
  /** Clear ID/mobile numbers in an entry: `reject` (default) throws, `mask` stores them masked. */
  pii?: 'reject' | 'mask';
  now?: () => number;
  /** Group append (no caller transaction): most rows per transaction and batches in flight. */
  maxBatch?: number;
  concurrency?: number;
}

export interface AuditListQuery {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Actor id. */
  actor?: string;
  action?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–500, default 50. */
  limit?: number;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor?: string;
}

type Prepared = Omit<AuditLogRow, 'seq' | 'at' | 'prev_hash' | 'hash'> & { at: number | undefined };

const LIMITS = {
  actor_type: 32,
  actor_id: 64,
  action: 64,
  object_type: 64,
  object_id: 128,
  ip: 64,
  request_id: 128,
};
const MAX_DETAILS = 64 * 1024;
// MySQL utf8mb4 cannot store half a surrogate pair; it would store something else than was hashed.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Rows per INSERT: 14 columns stay far below SQLite's bound-variable limit.
const CHUNK = 200;

/**
 * The tamper-evident audit log: appends rows to an SM3 hash chain, signs checkpoints with SM2,
 * verifies, and lists rows for the audit admin. There is no update or delete.
 *
 * Appends are serialized by locking the one-row `audit_head` (MySQL `SELECT … FOR UPDATE`, which every
 * gateway instance waits on; SQLite takes the database write lock with a no-op UPDATE of the same
 * row), so the seq is gapless and each row links to the one committed before it.
 *
 * @example
 * // Fail-closed admin action: the grant and its audit row commit together or not at all.
 * await inTransaction(db, async (tx) => {
 *   await roles.grant(tx, staffId, role);
 *   await audit.append({ actorType: 'admin', actorId, action: 'role.grant', objectType: 'staff',
 *     objectId: staffId, result: 'success', ip, requestId, details: { role } }, tx);
 * });
 */
export class AuditLog {
  private readonly db: Kysely<AuditTables>;
  private readonly group: GroupCommit<Prepared, AuditAppended>;

  constructor(
    private readonly database: Db,
    private readonly options: AuditLogOptions = {},
  ) {
    this.db = auditTables(database);
    this.group = new GroupCommit((items) => inTransaction(database, (tx) => this.write(tx, items)), {
      maxBatch: options.maxBatch ?? 64,
      concurrency: options.concurrency ?? 2,
    });
  }

  /**
   * Appends one row. With `tx` the row is written in the caller's transaction, so it commits or rolls
   * back with the caller's work, and a failed audit write fails the caller (append it last: the chain
   * head stays locked until the caller commits). Without `tx`, concurrent appends share one
   * transaction (group append); the promise settles when the row is committed.
   * @throws AuditEntryError for an invalid entry or clear personal data (with `pii: 'reject'`).
   */
  async append(entry: AuditEntry, tx?: Tx): Promise<AuditAppended> {
    const prepared = this.prepare(entry);
    if (tx) return (await this.write(tx, [prepared]))[0]!;
    return this.group.add(prepared);
  }

  /** Appends several rows in order, in `tx` or in one transaction of their own. */
  async appendMany(entries: readonly AuditEntry[], tx?: Tx): Promise<AuditAppended[]> {
    const prepared = entries.map((e) => this.prepare(e));
    if (prepared.length === 0) return [];
    if (tx) return this.write(tx, prepared);
    return inTransaction(this.database, (t) => this.write(t, prepared));
  }

  async head(tx?: Tx): Promise<AuditHead> {
    const row = await (tx ? auditTables(tx) : this.db)
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { seq: Number(row.seq), hash: row.hash };
  }

  /**
   * Signs the current head (seq + hash) and stores the checkpoint; returns it, or undefined when the
   * log is empty. Signing the same head twice returns the stored checkpoint. Copy checkpoints off-host
   * (WORM store or the OA archive): a checkpoint is what catches a rollback to an older valid prefix.
   */
  async checkpoint(signer: AuditSigner): Promise<AuditCheckpointRow | undefined> {
    const head = await this.head();
    if (head.seq === 0) return undefined;
    const unsigned = { seq: head.seq, hash: head.hash, signed_at: this.now(), key_id: signer.keyId };
    const row: AuditCheckpointRow = {
      ...unsigned,
      signature: await signer.sign(checkpointMessage(unsigned)),
    };
    try {
      await this.db.insertInto('audit_checkpoints').values(row).execute();
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const stored = await this.db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .where('seq', '=', head.seq)
        .executeTakeFirstOrThrow();
      return { ...stored, seq: Number(stored.seq), signed_at: Number(stored.signed_at) };
    }
  }

  /** Walks the chain (see {@link verifyAuditChain}). */
  verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    return verifyAuditChain(this.database, options);
  }

  /** Rows newest first, keyset-paginated by seq. */
  async list(query: AuditListQuery = {}): Promise<AuditPage> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw errors.validation([{ parameter: 'limit', code: 'out_of_range', message: '每页条数应为 1–500' }]);
    }
    if (query.cursor !== undefined && !/^\d{1,15}$/.test(query.cursor)) {
      throw errors.validation([{ parameter: 'cursor', code: 'invalid_cursor', message: '分页游标无效' }]);
    }
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .$if(query.cursor !== undefined, (q) => q.where('seq', '<', Number(query.cursor)))
      .$if(query.from !== undefined, (q) => q.where('at', '>=', query.from!))
      .$if(query.to !== undefined, (q) => q.where('at', '<', query.to!))
      .$if(query.actor !== undefined, (q) => q.where('actor_id', '=', query.actor!))
      .$if(query.action !== undefined, (q) => q.where('action', '=', query.action!))
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toRecord);
    return rows.length > limit ? { items, nextCursor: String(items.at(-1)!.seq) } : { items };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Validates and guards an entry before any database work, so a bad entry never joins a group batch. */
  private prepare(input: AuditEntry): Prepared {
    // `at` is a timestamp, not text: 13000000000 is a time in 1970, not a phone number.
    const { at, ...scanned } = input;
    let entry = input;
    const findings = findPii(scanned);
    if (findings.length > 0) {
      if (this.options.pii !== 'mask') {
        const where = findings.map((f) => `${f.path}: ${f.kind}`).join(', ');
        throw new AuditEntryError(`audit entry holds clear personal data (${where})`);
      }
      entry = { ...maskPii(scanned), at };
    }
    if (!AUDIT_RESULTS.includes(entry.result)) throw new AuditEntryError(`audit result ${entry.result}`);
    if (entry.at !== undefined && !Number.isSafeInteger(entry.at)) throw new AuditEntryError('audit at');
    const details =
      entry.details === undefined || entry.details === null ? null : stableStringify(entry.details);
    if (details !== null && (details.length > MAX_DETAILS || !details.startsWith('{'))) {
      throw new AuditEntryError('audit details must be a JSON object up to 64 KiB');
    }
    const row: Prepared = {
      id: randomUUID(),
      at: entry.at,
      actor_type: entry.actorType,
      actor_id: entry.actorId ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      result: entry.result,
      ip: entry.ip ?? null,
      request_id: entry.requestId ?? null,
      details,
    };
    for (const [column, max] of Object.entries(LIMITS)) {
      const value = row[column as keyof typeof LIMITS];
      if (value !== null && (typeof value !== 'string' || value.length > max || LONE_SURROGATE.test(value))) {
        throw new AuditEntryError(`audit ${column} must be a string of at most ${max} characters`);
      }
    }
    if (!row.actor_type || !row.action) throw new AuditEntryError('audit actorType and action are required');
    return row;
  }

  /** Locks the head, links the rows after it, inserts them and moves the head: all in `tx`. */
  private async write(tx: Tx, items: readonly Prepared[]): Promise<AuditAppended[]> {
    const db = auditTables(tx);
    const head = await lockHead(tx);
    const now = this.now();
    let { seq, hash } = head;
    const rows: AuditLogRow[] = items.map((item) => {
      seq += 1;
      const body = { ...item, seq, at: item.at ?? now };
      const row = { ...body, prev_hash: hash, hash: chainHash(hash, body) };
      hash = row.hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await db
        .insertInto('audit_log')
        .values(rows.slice(i, i + CHUNK))
        .execute();
    }
    const moved = await db
      .updateTable('audit_head')
      .set({ seq, hash })
      .where('id', '=', 1)
      .where('seq', '=', head.seq)
      .executeTakeFirst();
    // Unreachable while the lock holds; refuses to fork the chain if it ever does not.
    if (Number(moved.numUpdatedRows) !== 1) throw new Error('audit head moved during an append');
    return rows.map((r) => ({ seq: r.seq, id: r.id, hash: r.hash }));
  }
}

/**
 * Takes the chain's write lock inside `tx` and returns the head. MySQL: a locking read sees the latest
 * commit even when the caller's transaction already holds an older snapshot. SQLite: the no-op UPDATE
 * takes the database write lock (waiting up to busy_timeout), after which nothing else can append.
 */
async function lockHead(tx: Tx): Promise<AuditHead> {
  const db = auditTables(tx);
  if (!isMysql(tx)) {
    await db
      .updateTable('audit_head')
      .set((eb) => ({ seq: eb.ref('seq') }))
      .where('id', '=', 1)
      .execute();
  }
  const row = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .$if(isMysql(tx), (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw new Error('audit_head is missing: run the audit migrations');
  return { seq: Number(row.seq), hash: row.hash };
}

export function toRecord(row: AuditLogRow): AuditRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: Number(row.at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    result: row.result as AuditRecord['result'],
    ip: row.ip,
    requestId: row.request_id,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
    hash: row.hash,
  };
}
