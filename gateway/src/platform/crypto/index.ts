/**
 * National-algorithm (国密) primitives for personal data at rest (GB/T 39786 §8.4 e/g, GB/T 22239
 * 8.1.4.7–8.1.4.8, PIPL Art. 51): SM4 field encryption with HMAC-SM3 integrity bound to table, column
 * and row; envelope keys with rotation; SM3 blind indexes for exact-match search; SM3/HMAC-SM3/SM2
 * wrappers. Known answers: `shared/vectors/gm-vectors.json` (copy beside the tests).
 *
 * Key hierarchy:
 * - master key (KEK), in a {@link KeyProvider}: configuration ({@link ConfigKeyProvider}) or a KMS /
 *   cipher machine adapter;
 * - data keys, 32 random bytes each, stored only wrapped in a {@link KeyStore}, unwrapped into a
 *   {@link KeyRing}; each yields an SM4 key and an HMAC-SM3 key by HKDF-SM3;
 * - the blind-index key, separate, 32 bytes, from the same secret store as the master key.
 *
 * Errors: every refusal is a {@link CryptoError} with a `code`; messages never hold values or keys.
 * Performance (`npm run bench:crypto`): SM4 and SM3 run in OpenSSL; per-key state (the SM4 key schedule
 * in a reused ECB context, HMAC-SM3 padded keys) is prepared once, IVs come from a CSPRNG pool.
 *
 * @example
 * const provider = new ConfigKeyProvider({ masterKeys: { m1: cfg.masterKeyHex }, activeMasterKeyId: 'm1' });
 * const fields = await FieldCipher.open({ provider, store: dataKeyTable });
 * const idNoIndex = BlindIndex.fromHex(cfg.indexKeyHex).column('citizen', 'id_no', normaliseIdNumber);
 *
 * const ctx = { table: 'citizen', column: 'id_no', rowId: citizen.id };
 * await db.insertInto('citizen').values({
 *   id: citizen.id,
 *   id_no_ct: fields.encrypt(idNumber, ctx), // v1.3f9a0c12.…
 *   id_no_bidx: idNoIndex.of(idNumber),
 * });
 * const found = await db.selectFrom('citizen').where('id_no_bidx', '=', idNoIndex.of(query)).execute();
 * const idNumbers = found.map((r) => fields.decrypt(r.id_no_ct, { ...ctx, rowId: r.id }));
 *
 * // Rotation: new values use the new key; old ones still decrypt; a job re-encrypts them.
 * await fields.keys.rotate();
 * if (fields.needsRotation(row.id_no_ct)) row.id_no_ct = fields.reencrypt(row.id_no_ct, ctx);
 */
export {
  BlindIndex,
  ColumnIndex,
  type ColumnIndexOptions,
  type Normaliser,
  normaliseIdNumber,
  normalisePhone,
  normaliseText,
} from './blind-index';
export { CryptoError, type CryptoErrorCode } from './errors';
export { FieldCipher, type FieldContext } from './field-cipher';
export { ConfigKeyProvider, type ConfigKeyProviderOptions, type KeyProvider } from './key-provider';
export { type DataKey, KeyRing, type KeyRingOptions } from './key-ring';
export { type KeyStore, MemoryKeyStore, type StoredDataKey } from './key-store';
export { openFieldCipher, openPersonalDataCrypto } from './open-field-cipher';
export {
  type BinaryLike,
  generateSm2KeyPair,
  hmacSm3,
  parseDerSignature,
  SM2_DEFAULT_USER_ID,
  type Sm2KeyPair,
  type Sm2Options,
  sm2PublicKeyOf,
  sm2Sign,
  sm2Verify,
  sm3,
} from './sm';
export { cryptoMigrations, SqlKeyStore } from './sql-key-store';
