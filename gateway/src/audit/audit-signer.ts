import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@gcrm/config';
import { sm2 } from 'sm-crypto-v2';
import { configuredOrEmbeddedKey } from '../platform/crypto/embedded-key';
import { type AuditSigner, sm2Signer } from './audit-chain';

/**
 * The signer of audit checkpoints: AUDIT_SM2_PRIVATE_KEY (required in production); outside production
 * a key generated once under DATA_DIR/keys, its public key beside it for `npm run audit:verify`.
 */
export function openAuditSigner(config: AppConfig): AuditSigner & { publicKeyHex: string } {
  const key = configuredOrEmbeddedKey(
    config,
    config.auditSm2PrivateKey,
    'AUDIT_SM2_PRIVATE_KEY',
    'audit-sm2.hex',
    () => sm2.generateKeyPairHex().privateKey,
  );
  const publicKeyHex = sm2.getPublicKeyFromPrivateKey(key);
  if (!config.auditSm2PrivateKey) {
    const pub = join(config.dataDir, 'keys', 'audit-sm2.pub.hex');
    if (!existsSync(pub)) writeFileSync(pub, `${publicKeyHex}\n`);
  }
  return { ...sm2Signer(key, publicKeyHex), publicKeyHex };
}
