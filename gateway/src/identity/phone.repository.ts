import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { Tx } from '../platform/db/transaction';

interface PhoneTables {
  citizens: { id: string; last_channel: string | null };
  citizen_phones: {
    citizen_id: string;
    phone_ct: string;
    phone_bidx: string;
    method: string;
    verified_at: number;
    updated_at: number;
  };
  citizen_phone_codes: {
    citizen_id: string;
    code_hash: string;
    attempts: number;
    created_at: number;
    expires_at: number;
  };
}

export type PhoneRow = PhoneTables['citizen_phones'];
export type PhoneCodeRow = PhoneTables['citizen_phone_codes'];

/** Wrong answers after which a code is void. */
export const MAX_CODE_ATTEMPTS = 5;

const tables = (db: Db | Tx) => db as unknown as Kysely<PhoneTables>;

export class PhoneRepository {
  private readonly db: Kysely<PhoneTables>;
  constructor(db: Db) {
    this.db = tables(db);
  }

  /** The citizen's row and the channel of their latest sign-in; undefined for an unknown citizen. */
  async citizen(citizenId: string) {
    return this.db
      .selectFrom('citizens')
      .leftJoin('citizen_phones', 'citizen_phones.citizen_id', 'citizens.id')
      .select([
        'citizens.id',
        'citizens.last_channel',
        'citizen_phones.phone_ct',
        'citizen_phones.method',
        'citizen_phones.verified_at',
      ])
      .where('citizens.id', '=', citizenId)
      .executeTakeFirst();
  }

  phone(citizenId: string) {
    return this.db
      .selectFrom('citizen_phones')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
  }

  /** Binds (or replaces) the citizen's number in `tx`; true when an earlier number was replaced. */
  async savePhone(tx: Tx, row: PhoneRow): Promise<boolean> {
    const db = tables(tx);
    const { citizen_id, ...values } = row;
    const updated = await db
      .updateTable('citizen_phones')
      .set(values)
      .where('citizen_id', '=', citizen_id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return true;
    try {
      await db.insertInto('citizen_phones').values(row).execute();
      return false;
    } catch (error) {
      // A concurrent first binding of the same citizen won: this one replaces it.
      if (!isUniqueViolation(error)) throw error;
      await db.updateTable('citizen_phones').set(values).where('citizen_id', '=', citizen_id).execute();
      return true;
    }
  }

  /** Re-encrypted value, written only if the row still holds `previous` (a rotation run). */
  async replaceCiphertext(citizenId: string, previous: string, next: string): Promise<boolean> {
    const r = await this.db
      .updateTable('citizen_phones')
      .set({ phone_ct: next })
      .where('citizen_id', '=', citizenId)
      .where('phone_ct', '=', previous)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** A page of bound numbers after `cursor` (citizen id order), for key rotation. */
  phonesAfter(cursor: string, limit: number) {
    return this.db
      .selectFrom('citizen_phones')
      .select(['citizen_id', 'phone_ct'])
      .where('citizen_id', '>', cursor)
      .orderBy('citizen_id')
      .limit(limit)
      .execute();
  }

  async deletePhone(citizenId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('citizen_phones')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async setLastChannel(citizenId: string, channel: string): Promise<void> {
    await this.db
      .updateTable('citizens')
      .set({ last_channel: channel })
      .where('id', '=', citizenId)
      .execute();
  }

  /** Stores the citizen's pending code, replacing an earlier one. */
  async saveCode(row: PhoneCodeRow): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { citizen_id, ...values } = row;
      const updated = await this.db
        .updateTable('citizen_phone_codes')
        .set(values)
        .where('citizen_id', '=', citizen_id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return;
      try {
        await this.db.insertInto('citizen_phone_codes').values(row).execute();
        return;
      } catch (error) {
        // Another request of the same citizen inserted first: update that row instead.
        if (!isUniqueViolation(error) || attempt > 0) throw error;
      }
    }
  }

  code(citizenId: string) {
    return this.db
      .selectFrom('citizen_phone_codes')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
  }

  /**
   * Counts a wrong answer against the pending code `codeHash`; the new attempt count, or null when the
   * code was replaced, used or already void meanwhile.
   */
  async countWrongAnswer(citizenId: string, codeHash: string): Promise<number | null> {
    const r = await this.db
      .updateTable('citizen_phone_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('citizen_id', '=', citizenId)
      .where('code_hash', '=', codeHash)
      .where('attempts', '<', MAX_CODE_ATTEMPTS)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return null;
    const row = await this.code(citizenId);
    return row && row.code_hash === codeHash ? Number(row.attempts) : MAX_CODE_ATTEMPTS;
  }

  /** Consumes the pending code in `tx` if it is still the one checked and neither void nor expired. */
  async takeCode(tx: Tx, citizenId: string, codeHash: string, now: number): Promise<boolean> {
    const r = await tables(tx)
      .deleteFrom('citizen_phone_codes')
      .where('citizen_id', '=', citizenId)
      .where('code_hash', '=', codeHash)
      .where('attempts', '<', MAX_CODE_ATTEMPTS)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /** Drops the pending code `codeHash` (its SMS could not be sent). */
  async dropCode(citizenId: string, codeHash: string): Promise<void> {
    await this.db
      .deleteFrom('citizen_phone_codes')
      .where('citizen_id', '=', citizenId)
      .where('code_hash', '=', codeHash)
      .execute();
  }

  async deleteCodes(citizenId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('citizen_phone_codes')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
