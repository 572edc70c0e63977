import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { insertStatement } from '../platform/db/insert-statement';
import type { SqlBatch } from '../platform/db/sql-batch';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { updateManyQuery } from '../platform/db/update-many';

export interface CaseRow {
  id: string;
  case_number: string;
  citizen_id: string;
  service_code: string;
  service_version: number;
  channel: string;
  status: string;
  form_data: string;
  created_at: number;
  updated_at: number;
  row_version: number;
  form_id: string | null;
  form_version: number | null;
}

export interface CaseEventRow {
  id: string;
  case_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_type: string;
  actor_id: string | null;
  note: string | null;
  created_at: number;
}

export interface IdempotencyRow {
  citizen_id: string;
  idem_key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  case_id: string;
  created_at: number;
}

interface CasesTables {
  case_pii_index: { kind: string; digest: string; case_id: string; field: string };
  cases: CaseRow;
  case_events: CaseEventRow;
  idempotency_keys: IdempotencyRow;
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<CasesTables>;

export class CasesRepository {
  private readonly db: Kysely<CasesTables>;
  private readonly insertKeyRow;
  private readonly insertCaseRow;
  private readonly insertEventRow;

  constructor(db: Db) {
    this.db = asTables(db);
    this.insertKeyRow = insertStatement<IdempotencyRow>(db, 'idempotency_keys', [
      'citizen_id',
      'idem_key',
      'request_hash',
      'response_status',
      'response_body',
      'case_id',
      'created_at',
    ]);
    this.insertCaseRow = insertStatement<CaseRow>(db, 'cases', [
      'id',
      'case_number',
      'citizen_id',
      'service_code',
      'service_version',
      'channel',
      'status',
      'form_data',
      'created_at',
      'updated_at',
      'row_version',
      'form_id',
      'form_version',
    ]);
    this.insertEventRow = insertStatement<CaseEventRow>(db, 'case_events', [
      'id',
      'case_id',
      'type',
      'from_status',
      'to_status',
      'actor_type',
      'actor_id',
      'note',
      'created_at',
    ]);
  }

  findIdempotency(citizenId: string, key: string) {
    return this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .where('idem_key', '=', key)
      .executeTakeFirst();
  }

  /** Inserted first in the submit transaction: a concurrent duplicate blocks or fails here, before any case row. */
  /** Inserts key rows; a batch of one reuses a precompiled statement, larger ones one multi-row insert. */
  async insertIdempotency(tx: Tx, rows: IdempotencyRow[]) {
    if (rows.length === 1) await this.insertKeyRow(tx, rows[0]!);
    else await asTables(tx).insertInto('idempotency_keys').values(rows).execute();
  }

  async insertCases(tx: Tx, rows: CaseRow[], events: CaseEventRow[]) {
    if (rows.length === 1) {
      await this.insertCaseRow(tx, rows[0]!);
      await this.insertEventRow(tx, events[0]!);
      return;
    }
    await asTables(tx).insertInto('cases').values(rows).execute();
    await asTables(tx).insertInto('case_events').values(events).execute();
  }

  /** Service code and status of the citizen's cases, newest first (case history for the rules). */
  serviceStatuses(citizenId: string, limit = 500) {
    return this.db
      .selectFrom('cases')
      .select(['service_code', 'status'])
      .where('citizen_id', '=', citizenId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** The citizen's latest submitted form data with its form version, newest first. */
  recentForms(citizenId: string, limit: number) {
    return this.db
      .selectFrom('cases')
      .select(['id', 'form_id', 'form_version', 'form_data', 'created_at'])
      .where('citizen_id', '=', citizenId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  findOwned(citizenId: string, id: string) {
    return this.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', id)
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
  }

  events(caseId: string) {
    return this.db
      .selectFrom('case_events')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Newest first; `after` is the (created_at, id) of the last row of the previous page. */
  listOwned(citizenId: string, limit: number, after?: { createdAt: number; id: string }, status?: string) {
    let query = this.db
      .selectFrom('cases')
      .select([
        'id',
        'case_number',
        'service_code',
        'service_version',
        'channel',
        'status',
        'created_at',
        'updated_at',
      ])
      .where('citizen_id', '=', citizenId);
    if (status) query = query.where('status', '=', status);
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  findById(id: string) {
    return this.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Progress of a case reported by its workflow, inside the workflow's transaction: the status (the
   * last one given) and one timeline entry each. Entries of one command get consecutive
   * milliseconds so that the timeline keeps their order.
   */
  /** Adds the statements to a batch of the caller's transaction (the workflow's group commit). */
  recordProgress(
    tx: Tx,
    batch: {
      caseId: string;
      entries: { type: string; fromStatus: string; toStatus?: string; note: string }[];
      actor: { type: string; id: string | null };
      now: number;
    }[],
    statements: SqlBatch,
  ): void {
    const events: CaseEventRow[] = batch.flatMap(({ caseId, entries, actor, now }) =>
      entries.map((e, i) => ({
        id: randomUUID(),
        case_id: caseId,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus ?? null,
        actor_type: actor.type,
        actor_id: actor.id,
        note: e.note,
        created_at: now + i,
      })),
    );
    if (events.length > 0) statements.add(asTables(tx).insertInto('case_events').values(events));
    const changed = batch.flatMap(({ caseId, entries, now }) => {
      const status = entries.findLast((e) => e.toStatus)?.toStatus;
      return status ? [{ key: caseId, values: [status, now] }] : [];
    });
    statements.add(
      updateManyQuery('cases', 'id', ['status', 'updated_at'], changed, {
        extra: sql`${sql.ref('row_version')} = ${sql.ref('row_version')} + 1`,
      }),
    );
  }

  async updateFormData(tx: Tx, caseId: string, formData: string, now: number) {
    await asTables(tx)
      .updateTable('cases')
      .set((eb) => ({ form_data: formData, updated_at: now, row_version: eb('row_version', '+', 1) }))
      .where('id', '=', caseId)
      .execute();
  }

  /**
   * A correction of personal data decided by staff (PIPL Art. 46): the new form data, its digests
   * and a timeline entry, in one transaction.
   */
  async applyCorrection(
    caseId: string,
    formData: string,
    digests: { field: string; kind: string; digest: string }[],
    event: { note: string; actorId: string; now: number },
  ): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const row = await asTables(tx)
        .selectFrom('cases')
        .select('status')
        .where('id', '=', caseId)
        .executeTakeFirst();
      if (!row) return;
      await this.updateFormData(tx, caseId, formData, event.now);
      await this.writeDigests(tx, caseId, digests);
      await this.insertEventRow(tx, {
        id: randomUUID(),
        case_id: caseId,
        type: 'data_corrected',
        from_status: row.status,
        to_status: null,
        actor_type: 'staff',
        actor_id: event.actorId,
        note: event.note,
        created_at: event.now,
      });
    });
  }

  /** Every case of a citizen, oldest first (for their data export). */
  allOwned(citizenId: string) {
    return this.db
      .selectFrom('cases')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async countOwned(citizenId: string): Promise<number> {
    const row = await this.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Deletes the citizen's idempotency keys (stored answers to their submissions); returns how many. */
  async deleteIdempotencyKeys(citizenId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('idempotency_keys')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Replaces the blind-index rows of a case (its ID and phone numbers, as keyed digests). */
  async writeDigests(tx: Tx, caseId: string, digests: { field: string; kind: string; digest: string }[]) {
    const t = asTables(tx);
    await t.deleteFrom('case_pii_index').where('case_id', '=', caseId).execute();
    if (digests.length > 0) {
      await t
        .insertInto('case_pii_index')
        .values(digests.map((d) => ({ kind: d.kind, digest: d.digest, case_id: caseId, field: d.field })))
        .execute();
    }
  }

  /** Cases whose number of this kind has this digest, newest first. */
  async casesWithDigest(kind: string, digest: string, limit: number) {
    return this.db
      .selectFrom('case_pii_index')
      .innerJoin('cases', 'cases.id', 'case_pii_index.case_id')
      .select([
        'cases.id',
        'cases.case_number',
        'cases.service_code',
        'cases.service_version',
        'cases.channel',
        'cases.status',
        'cases.created_at',
        'cases.updated_at',
      ])
      .where('case_pii_index.kind', '=', kind)
      .where('case_pii_index.digest', '=', digest)
      .groupBy([
        'cases.id',
        'cases.case_number',
        'cases.service_code',
        'cases.service_version',
        'cases.channel',
        'cases.status',
        'cases.created_at',
        'cases.updated_at',
      ])
      .orderBy('cases.created_at', 'desc')
      .limit(limit)
      .execute();
  }
}
