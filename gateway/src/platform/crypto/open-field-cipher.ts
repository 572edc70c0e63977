import { hkdfSync, randomBytes } from 'node:crypto';
import type { AppConfig } from '@gcrm/config';
import type { Db } from '../db/database';
import { BlindIndex } from './blind-index';
import { configuredOrEmbeddedKey } from './embedded-key';
import { FieldCipher } from './field-cipher';
import { ConfigKeyProvider } from './key-provider';
import { SqlKeyStore } from './sql-key-store';

/**
 * The field cipher of the running gateway: data keys in the database (wrapped), the master key from
 * configuration (CRYPTO_MASTER_KEY, required in production) or, in embedded mode, generated once
 * under DATA_DIR/keys (readable by the owner only) so that the data survives a restart.
 */
export async function openFieldCipher(db: Db, config: AppConfig): Promise<FieldCipher> {
  return (await openPersonalDataCrypto(db, config)).cipher;
}

/**
 * The field cipher and the blind index of the running gateway. The index key is derived from the
 * master key (HKDF-SM3, its own label), so it is never stored and stays apart from the data keys.
 */
export async function openPersonalDataCrypto(
  db: Db,
  config: AppConfig,
): Promise<{ cipher: FieldCipher; index: BlindIndex }> {
  const master = masterKey(config);
  const cipher = await FieldCipher.open({
    provider: new ConfigKeyProvider({ masterKeys: { m1: master }, activeMasterKeyId: 'm1' }),
    store: new SqlKeyStore(db),
  });
  const indexKey = Buffer.from(
    hkdfSync('sm3', Buffer.from(master, 'hex'), 'gcrm', 'gcrm.blind-index.v1', 32),
  );
  return { cipher, index: new BlindIndex(indexKey) };
}

function masterKey(config: AppConfig): string {
  return configuredOrEmbeddedKey(
    config,
    config.cryptoMasterKey,
    'CRYPTO_MASTER_KEY',
    'crypto-master.hex',
    () => randomBytes(32).toString('hex'),
  );
}
