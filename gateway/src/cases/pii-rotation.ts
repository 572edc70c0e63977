import type { Kysely } from 'kysely';
import type { FieldCipher } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

const SEALED = /^v1\.[0-9a-f]{8}\./;

interface RotationTables {
  crypto_rotation: { name: string; cursor: string; updated_at: number };
  cases: { id: string; form_data: string };
  case_drafts: { citizen_id: string; service_code: string; form_data: string };
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
 * Re-encrypts the sealed personal data of stored form data (cases, drafts) under the active data key,
 * in keyset pages. Idempotent (a value already under the active key is left alone; a row changed
 * meanwhile is skipped, its writer sealed it with the active key) and resumable (the cursor of each
 * table is saved after every page; `restart` begins again from the first row).
 */
export async function rotatePersonalData(
  database: Db,
  cipher: FieldCipher,
  options: { batch?: number; restart?: boolean; stop?: () => boolean } = {},
): Promise<RotationReport[]> {
  const db = database as unknown as Kysely<RotationTables>;
  const batch = options.batch ?? 500;
  const reports: RotationReport[] = [];
  const tables = [
    { name: 'cases', key: (r: { id: string }) => r.id, rowId: (r: { id: string }) => r.id },
    {
      name: 'case_drafts',
      key: (r: { citizen_id: string; service_code: string }) =>
        JSON.stringify([r.citizen_id, r.service_code]),
      rowId: (r: { citizen_id: string; service_code: string }) => `${r.citizen_id}:${r.service_code}`,
    },
  ] as const;
  for (const table of tables) {
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
      const rows =
        table.name === 'cases'
          ? await db
              .selectFrom('cases')
              .select(['id', 'form_data'])
              .where('id', '>', cursor)
              .orderBy('id')
              .limit(batch)
              .execute()
          : await db
              .selectFrom('case_drafts')
              .select(['citizen_id', 'service_code', 'form_data'])
              .where((eb) => {
                const [citizen, service] = cursor ? (JSON.parse(cursor) as [string, string]) : ['', ''];
                return eb.or([
                  eb('citizen_id', '>', citizen),
                  eb.and([eb('citizen_id', '=', citizen), eb('service_code', '>', service)]),
                ]);
              })
              .orderBy('citizen_id')
              .orderBy('service_code')
              .limit(batch)
              .execute();
      if (rows.length === 0) break;
      for (const row of rows as (Record<string, string> & { form_data: string })[]) {
        const data = JSON.parse(row.form_data) as Record<string, unknown>;
        let changed = 0;
        for (const [field, value] of Object.entries(data)) {
          if (typeof value !== 'string' || !SEALED.test(value) || !cipher.needsRotation(value)) continue;
          const ctx = { table: table.name, column: `form_data.${field}`, rowId: table.rowId(row as never) };
          data[field] = cipher.reencrypt(value, ctx);
          changed++;
        }
        if (changed > 0) {
          // Only if nobody rewrote the row meanwhile (they sealed it with the active key themselves).
          const sealed = JSON.stringify(data);
          const result =
            table.name === 'cases'
              ? await db
                  .updateTable('cases')
                  .set({ form_data: sealed })
                  .where('id', '=', row.id!)
                  .where('form_data', '=', row.form_data)
                  .executeTakeFirst()
              : await db
                  .updateTable('case_drafts')
                  .set({ form_data: sealed })
                  .where('citizen_id', '=', row.citizen_id!)
                  .where('service_code', '=', row.service_code!)
                  .where('form_data', '=', row.form_data)
                  .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 1) {
            report.rows++;
            report.values += changed;
          }
        }
        cursor = table.key(row as never);
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
