import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@gcrm/config';
import { sm2 } from 'sm-crypto-v2';
import { type AuditSigner, sm2Signer } from './audit-chain';

/**
 * The signer of audit checkpoints: AUDIT_SM2_PRIVATE_KEY (required in production); outside production
 * a key generated once under DATA_DIR/keys, its public key beside it for `npm run audit:verify`.
 */
export function openAuditSigner(config: AppConfig): AuditSigner & { publicKeyHex: string } {
  let key = config.auditSm2PrivateKey;
  if (!key) {
    if (!config.embedded) throw new Error('AUDIT_SM2_PRIVATE_KEY is required in production');
    const dir = join(config.dataDir, 'keys');
    const file = join(dir, 'audit-sm2.hex');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const pair = sm2.generateKeyPairHex();
      writeFileSync(file, pair.privateKey, { mode: 0o600 });
      writeFileSync(join(dir, 'audit-sm2.pub.hex'), `${pair.publicKey}\n`);
    }
    chmodSync(file, 0o600);
    key = readFileSync(file, 'utf8').trim();
  }
  const publicKeyHex = sm2.getPublicKeyFromPrivateKey(key);
  return { ...sm2Signer(key, publicKeyHex), publicKeyHex };
}
