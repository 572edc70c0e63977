import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '@gcrm/config';

/**
 * A secret from configuration, or — outside production only — one kept under DATA_DIR/keys, created
 * once by `create` and readable by the owner only, so that what it protects survives a restart.
 * `variable` names the setting in the error production gets when it is missing.
 */
export function configuredOrEmbeddedKey(
  config: AppConfig,
  configured: string | undefined,
  variable: string,
  fileName: string,
  create: () => string,
): string {
  if (configured) return configured;
  if (!config.embedded) throw new Error(`${variable} is required in production`);
  const dir = join(config.dataDir, 'keys');
  const file = join(dir, fileName);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, create(), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
