import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';

export interface RightsRequestRow {
  id: string;
  citizen_id: string;
  kind: 'export' | 'correction' | 'deletion';
  status: 'submitted' | 'processing' | 'completed' | 'rejected';
  case_id: string | null;
  request_json: string;
  result_json: string | null;
  decided_by: string | null;
  created_at: number;
  updated_at: number;
  due_at: number;
}

interface Tables {
  rights_requests: RightsRequestRow;
  processing_restrictions: { citizen_id: string; request_id: string; restricted_at: number };
}

export class RightsRepository {
  private readonly db: Kysely<Tables>;
  constructor(db: Db) {
    this.db = db as Kysely<Tables>;
  }

  async insert(row: RightsRequestRow): Promise<void> {
    await this.db.insertInto('rights_requests').values(row).execute();
  }

  async find(id: string) {
    return this.db.selectFrom('rights_requests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async listOwned(citizenId: string, limit = 50) {
    return this.db
      .selectFrom('rights_requests')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async openDeletion(citizenId: string) {
    return this.db
      .selectFrom('rights_requests')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .where('kind', '=', 'deletion')
      .where('status', '=', 'processing')
      .executeTakeFirst();
  }

  /** Open correction requests, oldest first (the staff queue), after a keyset cursor. */
  async openCorrections(limit: number, after?: { createdAt: number; id: string }) {
    let q = this.db
      .selectFrom('rights_requests')
      .selectAll()
      .where('kind', '=', 'correction')
      .where('status', '=', 'submitted');
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '>', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
        ]),
      );
    return q.orderBy('created_at').orderBy('id').limit(limit).execute();
  }

  /** Moves a request on only from the status it was read in: one decision wins, the other gets false. */
  async finish(
    id: string,
    from: RightsRequestRow['status'],
    to: RightsRequestRow['status'],
    result: unknown,
    decidedBy: string | null,
    now: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('rights_requests')
      .set({ status: to, result_json: JSON.stringify(result), decided_by: decidedBy, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async restrict(citizenId: string, requestId: string, now: number): Promise<void> {
    const existing = await this.db
      .selectFrom('processing_restrictions')
      .select('citizen_id')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    if (!existing)
      await this.db
        .insertInto('processing_restrictions')
        .values({ citizen_id: citizenId, request_id: requestId, restricted_at: now })
        .execute();
  }

  async restrictedSince(citizenId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('processing_restrictions')
      .select('restricted_at')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return row ? Number(row.restricted_at) : null;
  }
}
