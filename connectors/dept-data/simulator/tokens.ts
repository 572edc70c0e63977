import { randomBytes } from 'node:crypto';
import { DEPT_ERRCODES } from '../errcodes';

/** An app allowed to call a source: `appKey` + `appSecret` → access token. */
export interface DeptApp {
  appKey: string;
  appSecret: string;
}

export interface TokenIssuer {
  /** A fresh token for the app, or errcode 40001 (or 40006 when a field is missing). */
  issue(appKey: unknown, appSecret: unknown): { accessToken: string; expiresIn: number } | number;
  /** The app a token belongs to, or the errcode: 41001 missing, 40014 unknown/revoked, 42001 expired. */
  check(token: string | null): { appKey: string } | number;
  /** Make every issued token unknown (as after a key rotation on the platform). */
  revokeAll(): void;
}

/** Tokens live `ttlSeconds` on the simulator clock; every fetch issues a new one, older ones stay valid. */
export function createTokenIssuer(
  apps: readonly DeptApp[],
  ttlSeconds: number,
  now: () => number,
): TokenIssuer {
  const tokens = new Map<string, { appKey: string; expiresAt: number }>();
  return {
    issue(appKey, appSecret) {
      if (typeof appKey !== 'string' || typeof appSecret !== 'string') return DEPT_ERRCODES.badParameter;
      const app = apps.find((a) => a.appKey === appKey);
      if (!app || app.appSecret !== appSecret) return DEPT_ERRCODES.badCredentials;
      const accessToken = `dept_${randomBytes(18).toString('base64url')}`;
      for (const [token, entry] of tokens) if (entry.expiresAt <= now()) tokens.delete(token);
      tokens.set(accessToken, { appKey, expiresAt: now() + ttlSeconds * 1000 });
      return { accessToken, expiresIn: ttlSeconds };
    },
    check(token) {
      if (!token) return DEPT_ERRCODES.missingToken;
      const entry = tokens.get(token);
      if (!entry) return DEPT_ERRCODES.invalidToken;
      if (entry.expiresAt <= now()) return DEPT_ERRCODES.expiredToken;
      return { appKey: entry.appKey };
    },
    revokeAll: () => tokens.clear(),
  };
}
