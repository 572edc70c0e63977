import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';

export interface MaterialRow {
  id: string;
  citizen_id: string;
  sha256: string;
  kind: string;
  mime: string;
  size_bytes: number;
  original_name: string;
  /** '' when the upload named no guide material. */
  material_code: string;
  created_at: number;
  case_id: string | null;
}

interface MaterialsTables {
  materials: MaterialRow;
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<MaterialsTables>;

/** BIGINT and SUM come back as strings from some drivers (MySQL DECIMAL); rows leave as numbers. */
const toRow = (row: MaterialRow): MaterialRow => ({
  ...row,
  size_bytes: Number(row.size_bytes),
  created_at: Number(row.created_at),
});

/** Queries of the `materials` table, written once for SQLite and MySQL. */
export class MaterialsRepository {
  private readonly db: Kysely<MaterialsTables>;

  constructor(db: Db) {
    this.db = asTables(db);
  }

  /** Throws a unique violation (see isUniqueViolation) when the citizen has these bytes for this code. */
  async insert(row: MaterialRow): Promise<void> {
    await this.db.insertInto('materials').values(row).execute();
  }

  async findByContent(citizenId: string, sha256: string, materialCode: string) {
    const row = await this.db
      .selectFrom('materials')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .where('sha256', '=', sha256)
      .where('material_code', '=', materialCode)
      .executeTakeFirst();
    return row && toRow(row);
  }

  async findOwned(citizenId: string, id: string) {
    const row = await this.db
      .selectFrom('materials')
      .selectAll()
      .where('id', '=', id)
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return row && toRow(row);
  }

  /** The citizen's materials among `ids` (others, and ids of nobody's, are left out). */
  async findManyOwned(citizenId: string, ids: string[]) {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('materials')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toRow);
  }

  /** Newest first; `materialCode` narrows to one guide material ('' = uploads that named none). */
  async listOwned(citizenId: string, materialCode?: string) {
    let query = this.db.selectFrom('materials').selectAll().where('citizen_id', '=', citizenId);
    if (materialCode !== undefined) query = query.where('material_code', '=', materialCode);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toRow);
  }

  /** How many materials the citizen holds and their total size in bytes. */
  async usage(citizenId: string): Promise<{ count: number; totalBytes: number }> {
    const row = await this.db
      .selectFrom('materials')
      .select((eb) => [eb.fn.countAll().as('count'), eb.fn.sum('size_bytes').as('total')])
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return { count: Number(row?.count ?? 0), totalBytes: Number(row?.total ?? 0) };
  }

  /** Deletes the citizen's material if no case uses it; returns whether a row went. */
  async deleteUnused(citizenId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('materials')
      .where('id', '=', id)
      .where('citizen_id', '=', citizenId)
      .where('case_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async countBySha(sha256: string): Promise<number> {
    const row = await this.db
      .selectFrom('materials')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Which of `ids` belong to the citizen (in `tx` when given: attaching to a case). */
  async ownedIds(citizenId: string, ids: string[], tx?: Tx): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await (tx ? asTables(tx) : this.db)
      .selectFrom('materials')
      .select('id')
      .where('citizen_id', '=', citizenId)
      .where('id', 'in', ids)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Marks the materials as used by `caseId`; one already used by an earlier case keeps that case. */
  async attach(tx: Tx, citizenId: string, ids: string[], caseId: string): Promise<void> {
    if (ids.length === 0) return;
    await asTables(tx)
      .updateTable('materials')
      .set({ case_id: caseId })
      .where('citizen_id', '=', citizenId)
      .where('id', 'in', ids)
      .where('case_id', 'is', null)
      .execute();
  }

  async totalSize(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const row = await this.db
      .selectFrom('materials')
      .select((eb) => eb.fn.sum('size_bytes').as('total'))
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }
}
