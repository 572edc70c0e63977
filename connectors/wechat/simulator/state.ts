import { randomBytes } from 'node:crypto';

/** Either a success body or an errcode to answer with (HTTP 200 `{errcode, errmsg}`). */
export type WireResult = Record<string, unknown> | number;

/** Result of checking an access token presented to an API: 0 = accepted. */
export type AccessTokenCheck = 0 | 40001 | 42001 | 40014;

export interface SimulatorStateOptions {
  appId: string;
  appSecret: string;
  codeTtlSeconds: number;
  tokenTtlSeconds: number;
  loginRatePerMinute: number;
}

interface LoginCode {
  openid: string;
  unionid: string | undefined;
  issuedAt: number;
  used: boolean;
}

interface TokenRecord {
  kind: 'basic' | 'stable';
  expiresAt: number;
  /** Killed by a stable_token force refresh: answers 40001 ("not latest"). */
  revoked: boolean;
}

/** Previous /cgi-bin/token token, and a stable token nearing expiry, live this much longer. */
const OVERLAP_MS = 300_000;
const FORCE_REFRESH_PER_DAY = 20;
const FORCE_REFRESH_MIN_GAP_MS = 30_000;
const MINUTE_MS = 60_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

export interface StableTokenRequest {
  grant_type: unknown;
  appid: unknown;
  secret: unknown;
  force_refresh: unknown;
}

/** Codes, tokens, quotas and the clock of one simulated app. */
export function createSimulatorState(opts: SimulatorStateOptions) {
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  const codes = new Map<string, LoginCode>();
  const tokens = new Map<string, TokenRecord>();
  const loginCalls = new Map<string, number[]>();
  let stableToken: string | null = null;
  const forceRefresh = { day: -1, count: 0, lastAt: Number.NEGATIVE_INFINITY };

  function issueToken(kind: TokenRecord['kind']): string {
    // Real tokens are opaque and can be long (callers must reserve >= 512 chars).
    const token = randomBytes(96).toString('base64url');
    tokens.set(token, { kind, expiresAt: now() + opts.tokenTtlSeconds * 1000, revoked: false });
    return token;
  }

  function remainingMs(token: string): number {
    const record = tokens.get(token);
    return record ? Math.max(0, record.expiresAt - now()) : 0;
  }

  // Wrong appid -> 40013, wrong secret -> 40001: the getAccessToken [DOC] table in platforms.md §1.2
  // lists 40001 as "AppSecret wrong"; 40125 is only "also seen".
  function checkTokenCredentials(appid: unknown, secret: unknown, grantType: unknown): number {
    if (appid !== opts.appId) return 40013;
    if (secret !== opts.appSecret) return 40001;
    if (grantType !== 'client_credential') return 40002;
    return 0;
  }

  return {
    now,

    advanceClock(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new RangeError('seconds must be a finite number >= 0');
      clockOffsetMs += seconds * 1000;
    },

    mintLoginCode(openid: string, unionid?: string): string {
      const code = randomBytes(16).toString('hex');
      codes.set(code, { openid, unionid, issuedAt: now(), used: false });
      return code;
    },

    /** GET /sns/jscode2session (platforms.md §1.1). */
    jscode2session(q: {
      appid: unknown;
      secret: unknown;
      js_code: unknown;
      grant_type: unknown;
    }): WireResult {
      if (q.appid !== opts.appId) return 40013;
      // A wrong secret answers 40125 ("invalid appsecret", platforms.md §1.2), not 40001: 40001 is the
      // "refresh your token" signal of §1.5 and code2Session takes no token.
      if (q.secret !== opts.appSecret) return 40125;
      if (q.grant_type !== 'authorization_code') return 40002;
      const code = typeof q.js_code === 'string' ? codes.get(q.js_code) : undefined;
      if (!code) return 40029;
      if (code.used) return 40163;
      if (now() - code.issuedAt > opts.codeTtlSeconds * 1000) return 40029;
      const calls = (loginCalls.get(code.openid) ?? []).filter((at) => at > now() - MINUTE_MS);
      loginCalls.set(code.openid, calls);
      // A rate-limited exchange does not consume the code, so the user can retry next minute.
      if (calls.length >= opts.loginRatePerMinute) return 45011;
      calls.push(now());
      code.used = true;
      const body: Record<string, unknown> = {
        openid: code.openid,
        session_key: randomBytes(16).toString('base64'),
      };
      if (code.unionid !== undefined) body.unionid = code.unionid;
      return body;
    },

    /** GET /cgi-bin/token: always a new token; earlier ones keep at most 5 more minutes. */
    getAccessToken(q: { appid: unknown; secret: unknown; grant_type: unknown }): WireResult {
      const err = checkTokenCredentials(q.appid, q.secret, q.grant_type);
      if (err) return err;
      const cap = now() + OVERLAP_MS;
      for (const record of tokens.values()) {
        if (record.kind === 'basic' && record.expiresAt > cap) record.expiresAt = cap;
      }
      return { access_token: issueToken('basic'), expires_in: opts.tokenTtlSeconds };
    },

    /** POST /cgi-bin/stable_token; isolated from /cgi-bin/token tokens. */
    getStableAccessToken(b: StableTokenRequest): WireResult {
      const err = checkTokenCredentials(b.appid, b.secret, b.grant_type);
      if (err) return err;
      if (b.force_refresh === true) {
        const day = Math.floor((now() + BEIJING_OFFSET_MS) / 86_400_000);
        if (day !== forceRefresh.day) {
          forceRefresh.day = day;
          forceRefresh.count = 0;
        }
        // Over the daily allowance -> 45009 (daily quota reached, §1.5); closer than 30 s to the previous
        // force refresh -> 45011 (frequency limit, §1.5). The docs don't name the codes for these two cases.
        if (forceRefresh.count >= FORCE_REFRESH_PER_DAY) return 45009;
        if (now() - forceRefresh.lastAt < FORCE_REFRESH_MIN_GAP_MS) return 45011;
        forceRefresh.count += 1;
        forceRefresh.lastAt = now();
        const old = stableToken ? tokens.get(stableToken) : undefined;
        if (old) old.revoked = true;
        stableToken = issueToken('stable');
      } else if (stableToken === null || remainingMs(stableToken) < OVERLAP_MS) {
        // Auto-refresh in the last 5 minutes: the old token stays valid until its own expiry.
        stableToken = issueToken('stable');
      }
      return { access_token: stableToken, expires_in: Math.ceil(remainingMs(stableToken) / 1000) };
    },

    /** Check a token presented to a business API. Shared by every token-taking route. */
    checkAccessToken(token: string): AccessTokenCheck {
      const record = tokens.get(token);
      if (!record) return 40014;
      if (record.revoked) return 40001;
      if (record.expiresAt <= now()) return 42001;
      return 0;
    },
  };
}

export type SimulatorState = ReturnType<typeof createSimulatorState>;
