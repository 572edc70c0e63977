import type { FieldCipher } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { PhoneRepository } from './phone.repository';

/**
 * Re-encrypts bound phone numbers under the active data key, in keyset pages by citizen id (the same
 * report shape as the form-data rotation of `npm run crypto:rotate`). Idempotent: a number already under
 * the active key is only looked at, so a stopped run is simply started again; a row rebound meanwhile
 * is skipped (its writer used the active key).
 */
export async function rotatePhoneNumbers(
  db: Db,
  cipher: FieldCipher,
  options: { batch?: number; stop?: () => boolean } = {},
): Promise<{ table: 'citizen_phones'; rows: number; values: number; resumedFrom: null }> {
  const repo = new PhoneRepository(db);
  const batch = options.batch ?? 500;
  const report = { table: 'citizen_phones' as const, rows: 0, values: 0, resumedFrom: null };
  let cursor = '';
  for (;;) {
    if (options.stop?.()) break;
    const rows = await repo.phonesAfter(cursor, batch);
    for (const row of rows) {
      cursor = row.citizen_id;
      if (!cipher.needsRotation(row.phone_ct)) continue;
      const ctx = { table: 'citizen_phones', column: 'phone', rowId: row.citizen_id };
      if (await repo.replaceCiphertext(row.citizen_id, row.phone_ct, cipher.reencrypt(row.phone_ct, ctx))) {
        report.rows++;
        report.values++;
      }
    }
    if (rows.length < batch) break;
  }
  return report;
}
