import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';

/** The citizen's bound phone number (encrypted, with a blind index) and pending SMS verification codes. */
export const phoneMigrations: Migrations = {
  '2026112810_identity_citizen_phones': {
    async up(db) {
      await db.schema
        .createTable('citizen_phones')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.primaryKey())
        // SM4 ciphertext (FieldCipher, bound to table, column and citizen id): ~70 characters.
        .addColumn('phone_ct', 'varchar(160)', (c) => c.notNull())
        // Keyed SM3 blind index of the normalised number: which accounts share a number, no decryption.
        .addColumn('phone_bidx', 'varchar(64)', (c) => c.notNull())
        .addColumn('method', 'varchar(16)', (c) => c.notNull())
        .addColumn('verified_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema.createIndex('citizen_phones_bidx').on('citizen_phones').column('phone_bidx').execute();
      // One pending code per citizen; only an HMAC-SM3 of (citizen, number, code) is kept.
      await db.schema
        .createTable('citizen_phone_codes')
        .addColumn('citizen_id', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .modifyEnd(tableEnd(db))
        .execute();
      // The channel of the citizen's latest sign-in (`wechat`, `sandbox`), shown by GET /me.
      await db.schema.alterTable('citizens').addColumn('last_channel', 'varchar(16)').execute();
    },
  },
};
