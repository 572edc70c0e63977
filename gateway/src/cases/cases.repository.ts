import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';

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
  cases: CaseRow;
  case_events: CaseEventRow;
  idempotency_keys: IdempotencyRow;
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<CasesTables>;

export class CasesRepository {
  private readonly db: Kysely<CasesTables>;
  constructor(db: Db) {
    this.db = asTables(db);
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
  async insertIdempotency(tx: Tx, row: IdempotencyRow) {
    await asTables(tx).insertInto('idempotency_keys').values(row).execute();
  }

  async insertCase(tx: Tx, row: CaseRow, event: CaseEventRow) {
    await asTables(tx).insertInto('cases').values(row).execute();
    await asTables(tx).insertInto('case_events').values(event).execute();
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
}
