import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@gcrm/config';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type JSONWebKeySet,
  type JWK,
} from 'jose';

export const ALG = 'ES256';

export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  /** Every public key a token may be verified with: the current one and any retired ones. */
  jwks: JSONWebKeySet;
}

/**
 * Production takes the key from configuration (JWT_PRIVATE_KEY, JWT_KEY_ID). Embedded mode
 * generates one on first start and keeps it under DATA_DIR, so sessions survive a restart.
 */
export async function loadSigningKeys(config: AppConfig): Promise<SigningKeys> {
  let kid: string;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  if (config.jwt.privateKeyPem) {
    kid = config.jwt.keyId!;
    privateKey = (await importPKCS8(config.jwt.privateKeyPem, ALG, { extractable: true })) as CryptoKey;
    const { d: _d, ...pub } = await exportJWK(privateKey);
    publicJwk = pub;
  } else {
    if (!config.embedded) throw new Error('JWT_PRIVATE_KEY is required in production');
    const file = join(config.dataDir, 'keys', 'jwt-es256.json');
    let stored: { kid: string; jwk: JWK };
    if (existsSync(file)) {
      stored = JSON.parse(readFileSync(file, 'utf8'));
    } else {
      const pair = await generateKeyPair(ALG, { extractable: true });
      stored = {
        kid: `dev-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`,
        jwk: await exportJWK(pair.privateKey),
      };
      mkdirSync(join(config.dataDir, 'keys'), { recursive: true, mode: 0o700 });
      writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    kid = stored.kid;
    privateKey = (await importJWK({ ...stored.jwk, alg: ALG }, ALG)) as CryptoKey;
    const { d: _d, ...pub } = stored.jwk;
    publicJwk = pub;
  }
  const previous: JWK[] = config.jwt.previousPublicKeys
    ? (JSON.parse(config.jwt.previousPublicKeys).keys as JWK[])
    : [];
  return {
    kid,
    privateKey,
    jwks: { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }, ...previous.filter((k) => k.kid !== kid)] },
  };
}
