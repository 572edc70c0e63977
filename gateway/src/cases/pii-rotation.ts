import { type Kysely, sql } from 'kysely';
import type { FieldCipher } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

const SEALED = /^v1\.[0-9a-f]{8}\./;

interface RotationTables {
  crypto_rotation: { name: string; cursor: string; updated_at: number };
  cases: { id: string; form_data: string };
  case_drafts: { citizen_id: string; service_code: string; form_data: string };
  case_deliveries: { case_id: string; phone: string | null; detail: string | null };
}

/** Where a re-encryption run got to, so that a stopped run resumes instead of starting over. */
export const rotationMigrations: Migrations = {
  '2026112742_crypto_rotation': {
    async up(db) {
      await db.schema
        .createTable('crypto_rotation')
        .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('cursor', 'varchar(255)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
    },
  },
};

export interface RotationReport {
  table: string;
  rows: number;
  values: number;
  resumedFrom: string | null;
}

/**
 * One table holding sealed values: a keyset page after a cursor, the cursor of a row, and the rotation
 * of one row (how many values it re-encrypted and wrote; 0 when nothing was due or the row changed
 * meanwhile).
 */
interface SealedTable<Row> {
  name: string;
  page(after: string, limit: number): Promise<Row[]>;
  key(row: Row): string;
  rotate(row: Row): Promise<number>;
}

/**
 * Re-encrypts the sealed personal data at rest — form data of cases and drafts, the mailing phone and
 * address of result deliveries — under the active data key, in keyset pages. Idempotent (a value
 * already under the active key is left alone; a row changed meanwhile is skipped, its writer sealed it
 * with the active key) and resumable (the cursor of each table is saved after every page; `restart`
 * begins again from the first row).
 */
export async function rotatePersonalData(
  database: Db,
  cipher: FieldCipher,
  options: { batch?: number; restart?: boolean; stop?: () => boolean } = {},
): Promise<RotationReport[]> {
  const db = database as unknown as Kysely<RotationTables>;
  const batch = options.batch ?? 500;
  const due = (value: unknown): value is string =>
    typeof value === 'string' && SEALED.test(value) && cipher.needsRotation(value);

  /** Form data: every sealed top-level value of the JSON, bound to `form_data.<field>`. */
  const formData = (table: string, rowId: string, json: string) => {
    const data = JSON.parse(json) as Record<string, unknown>;
    let changed = 0;
    for (const [field, value] of Object.entries(data)) {
      if (!due(value)) continue;
      data[field] = cipher.reencrypt(value, { table, column: `form_data.${field}`, rowId });
      changed++;
    }
    return { changed, sealed: JSON.stringify(data) };
  };

  const cases: SealedTable<{ id: string; form_data: string }> = {
    name: 'cases',
    page: (after, limit) =>
      db
        .selectFrom('cases')
        .select(['id', 'form_data'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    key: (r) => r.id,
    rotate: async (row) => {
      const { changed, sealed } = formData('cases', row.id, row.form_data);
      if (changed === 0) return 0;
      // Only if nobody rewrote the row meanwhile (they sealed it with the active key themselves).
      const result = await db
        .updateTable('cases')
        .set({ form_data: sealed })
        .where('id', '=', row.id)
        .where('form_data', '=', row.form_data)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? changed : 0;
    },
  };

  const drafts: SealedTable<{ citizen_id: string; service_code: string; form_data: string }> = {
    name: 'case_drafts',
    page: (after, limit) => {
      const [citizen, service] = after ? (JSON.parse(after) as [string, string]) : ['', ''];
      return db
        .selectFrom('case_drafts')
        .select(['citizen_id', 'service_code', 'form_data'])
        .where((eb) =>
          eb.or([
            eb('citizen_id', '>', citizen),
            eb.and([eb('citizen_id', '=', citizen), eb('service_code', '>', service)]),
          ]),
        )
        .orderBy('citizen_id')
        .orderBy('service_code')
        .limit(limit)
        .execute();
    },
    key: (r) => JSON.stringify([r.citizen_id, r.service_code]),
    rotate: async (row) => {
      const rowId = `${row.citizen_id}:${row.service_code}`;
      const { changed, sealed } = formData('case_drafts', rowId, row.form_data);
      if (changed === 0) return 0;
      const result = await db
        .updateTable('case_drafts')
        .set({ form_data: sealed })
        .where('citizen_id', '=', row.citizen_id)
        .where('service_code', '=', row.service_code)
        .where('form_data', '=', row.form_data)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? changed : 0;
    },
  };

  const deliveries: SealedTable<{ case_id: string; phone: string | null; detail: string | null }> = {
    name: 'case_deliveries',
    page: (after, limit) =>
      db
        .selectFrom('case_deliveries')
        .select(['case_id', 'phone', 'detail'])
        .where('case_id', '>', after)
        .orderBy('case_id')
        .limit(limit)
        .execute(),
    key: (r) => r.case_id,
    rotate: async (row) => {
      const ctx = (column: string) => ({ table: 'case_deliveries', column, rowId: row.case_id });
      const phone = due(row.phone) ? cipher.reencrypt(row.phone, ctx('phone')) : row.phone;
      const detail = due(row.detail) ? cipher.reencrypt(row.detail, ctx('detail')) : row.detail;
      const changed = Number(phone !== row.phone) + Number(detail !== row.detail);
      if (changed === 0) return 0;
      const same = (column: 'phone' | 'detail', value: string | null) =>
        value === null
          ? sql<boolean>`${sql.ref(column)} IS NULL`
          : sql<boolean>`${sql.ref(column)} = ${value}`;
      const result = await db
        .updateTable('case_deliveries')
        .set({ phone, detail })
        .where('case_id', '=', row.case_id)
        .where(same('phone', row.phone))
        .where(same('detail', row.detail))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? changed : 0;
    },
  };

  const reports: RotationReport[] = [];
  for (const table of [cases, drafts, deliveries] as SealedTable<never>[]) {
    const saved = options.restart
      ? undefined
      : await db
          .selectFrom('crypto_rotation')
          .select('cursor')
          .where('name', '=', table.name)
          .executeTakeFirst();
    const report: RotationReport = {
      table: table.name,
      rows: 0,
      values: 0,
      resumedFrom: saved?.cursor ?? null,
    };
    let cursor = saved?.cursor ?? '';
    for (;;) {
      if (options.stop?.()) break;
      const rows = await table.page(cursor, batch);
      if (rows.length === 0) break;
      for (const row of rows) {
        const values = await table.rotate(row);
        if (values > 0) {
          report.rows++;
          report.values += values;
        }
        cursor = table.key(row);
      }
      const now = Date.now();
      const existing = await db
        .updateTable('crypto_rotation')
        .set({ cursor, updated_at: now })
        .where('name', '=', table.name)
        .executeTakeFirst();
      if (Number(existing.numUpdatedRows) === 0) {
        await db
          .insertInto('crypto_rotation')
          .values({ name: table.name, cursor, updated_at: now })
          .execute();
      }
      if (rows.length < batch) break;
    }
    reports.push(report);
  }
  return reports;
}
