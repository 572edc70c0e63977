import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { Tx } from '../platform/db/transaction';
import type { CaseEventRow } from './cases.repository';

/** A case's 结果领取方式; `phone` and `detail` hold sealed values (FieldCipher), the rest is clear. */
export interface DeliveryRow {
  case_id: string;
  citizen_id: string;
  method: string;
  site_id: string | null;
  recipient: string | null;
  phone: string | null;
  region: string | null;
  detail: string | null;
  chosen_at: number;
}

/** A case's 好差评; `tags` is a JSON array; `department` led the case (null: unknown). */
export interface RatingRow {
  case_id: string;
  citizen_id: string;
  department: string | null;
  score: number;
  tags: string;
  comment: string | null;
  rated_at: number;
}

interface AftercareTables {
  case_deliveries: DeliveryRow;
  case_ratings: RatingRow;
  cases: { id: string; citizen_id: string; status: string; updated_at: number; row_version: number };
  case_events: CaseEventRow;
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<AftercareTables>;

const num = (v: unknown) => Number(v);
const toDelivery = (r: DeliveryRow): DeliveryRow => ({ ...r, chosen_at: num(r.chosen_at) });
const toRating = (r: RatingRow): RatingRow => ({ ...r, score: num(r.score), rated_at: num(r.rated_at) });

/** Rows of what happens to a case after its application: how the result is delivered, how it was rated. */
export class AftercareRepository {
  private readonly db: Kysely<AftercareTables>;

  constructor(db: Db) {
    this.db = asTables(db);
  }

  async delivery(caseId: string): Promise<DeliveryRow | undefined> {
    const row = await this.db
      .selectFrom('case_deliveries')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async rating(caseId: string): Promise<RatingRow | undefined> {
    const row = await this.db
      .selectFrom('case_ratings')
      .selectAll()
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    return row && toRating(row);
  }

  async deliveriesOf(citizenId: string): Promise<DeliveryRow[]> {
    const rows = await this.db
      .selectFrom('case_deliveries')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .execute();
    return rows.map(toDelivery);
  }

  async ratingsOf(citizenId: string): Promise<RatingRow[]> {
    const rows = await this.db
      .selectFrom('case_ratings')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .execute();
    return rows.map(toRating);
  }

  /**
   * Stores a delivery choice with its timeline entry, in the caller's transaction, only while the case
   * is the citizen's and not in one of the `closed` statuses: the case row is touched first (its row
   * lock orders this against the workflow closing the case). False when that guard fails.
   */
  async saveDelivery(tx: Tx, row: DeliveryRow, event: CaseEventRow, closed: readonly string[]) {
    const t = asTables(tx);
    const guard = await t
      .updateTable('cases')
      .set((eb) => ({ updated_at: row.chosen_at, row_version: eb('row_version', '+', 1) }))
      .where('id', '=', row.case_id)
      .where('citizen_id', '=', row.citizen_id)
      .where('status', 'not in', [...closed])
      .executeTakeFirst();
    if (Number(guard.numUpdatedRows) !== 1) return false;
    const existing = await t
      .selectFrom('case_deliveries')
      .select('case_id')
      .where('case_id', '=', row.case_id)
      .executeTakeFirst();
    if (existing) {
      const { case_id, citizen_id, ...values } = row;
      await t.updateTable('case_deliveries').set(values).where('case_id', '=', case_id).execute();
    } else {
      await t.insertInto('case_deliveries').values(row).execute();
    }
    await t.insertInto('case_events').values(event).execute();
    return true;
  }

  /** Inserts a rating; `duplicate` when the case has one already (the primary key decides a race). */
  async insertRating(row: RatingRow): Promise<'created' | 'duplicate'> {
    try {
      await this.db.insertInto('case_ratings').values(row).execute();
      return 'created';
    } catch (error) {
      if (isUniqueViolation(error)) return 'duplicate';
      throw error;
    }
  }

  /**
   * A deletion request: the mailing addresses of the citizen's cases in `closed` statuses (delivered,
   * their purpose served) are removed, the method kept; returns how many.
   */
  async eraseAddresses(citizenId: string, closed: readonly string[]): Promise<number> {
    const result = await this.db
      .updateTable('case_deliveries')
      .set({ recipient: null, phone: null, region: null, detail: null })
      .where('citizen_id', '=', citizenId)
      .where('recipient', 'is not', null)
      .where('case_id', 'in', (eb) =>
        eb
          .selectFrom('cases')
          .select('id')
          .where('citizen_id', '=', citizenId)
          .where('status', 'in', [...closed]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** A deletion request: the free-text comments of the citizen's ratings go (scores and tags stay); returns how many. */
  async eraseComments(citizenId: string): Promise<number> {
    const result = await this.db
      .updateTable('case_ratings')
      .set({ comment: null })
      .where('citizen_id', '=', citizenId)
      .where('comment', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
