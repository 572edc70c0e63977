import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Cache } from '../platform/cache/cache';
import { errors } from '../platform/errors';
import type { AccessClaims, AccessTokens } from './access-tokens';
import type { IdentityRepository } from './identity.repository';

/** What login needs of the WeChat connector (code2Session), so tests and other apps can stand in. */
export interface WechatLogin {
  appId: string;
  code2Session(code: string): Promise<{ openid: string; sessionKey: string; unionid?: string }>;
}

export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

const REVOKED_PREFIX = 'identity:revoked-session:';
const SESSION_KEY_PREFIX = 'wechat:session-key:';
// session_key serves server-side checks (e.g. wx.checkSession-backed flows); WeChat rotates it on
// login, so keeping it longer than a few days has no use.
const SESSION_KEY_TTL_SECONDS = 3 * 24 * 3600;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class IdentityService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly tokens: AccessTokens,
    private readonly cache: Cache,
    private readonly options: { accessTtlSeconds: number; refreshTtlSeconds: number },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Exchanges a wx.login code for a session. The session_key stays in the gateway's cache. `channel`
   * records how the citizen signed in (`sandbox`: the H5 sandbox login minted the code).
   */
  async loginWithWechat(
    wechat: WechatLogin,
    code: string,
    channel: 'wechat' | 'sandbox' = 'wechat',
  ): Promise<SessionTokens & { citizen: { id: string; isNew: boolean } }> {
    const session = await wechat.code2Session(code);
    const now = this.now();
    const citizen = await this.repo.upsertWechatCitizen(
      wechat.appId,
      session.openid,
      session.unionid,
      now,
      channel,
    );
    await this.cache.set(SESSION_KEY_PREFIX + citizen.id, session.sessionKey, SESSION_KEY_TTL_SECONDS);
    const tokens = await this.startFamily(citizen.id, randomUUID(), null, now);
    return { ...tokens, citizen };
  }

  /**
   * Rotates a refresh token. Presenting one that was already used means it was copied: the whole
   * family (every token descended from that login) is revoked and its access tokens stop working.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const now = this.now();
    const row = await this.repo.findRefreshToken(hashToken(refreshToken));
    if (!row || row.revoked_at !== null)
      throw errors.unauthorized('refresh_token_invalid', '登录已失效，请重新登录');
    if (row.used_at === null && row.expires_at <= now) {
      throw errors.unauthorized('refresh_token_expired', '登录已过期，请重新登录');
    }
    if (row.used_at !== null || !(await this.repo.markUsed(row.id, now))) {
      await this.revokeFamily(row.family_id, now);
      throw errors.unauthorized('refresh_token_reused', '检测到登录凭证被重复使用，已注销该登录，请重新登录');
    }
    return this.startFamily(row.citizen_id, row.family_id, row.id, now);
  }

  /** Ends the session of a refresh token (idempotent: an unknown token is already logged out). */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.repo.findRefreshToken(hashToken(refreshToken));
    if (row) await this.revokeFamily(row.family_id, this.now());
  }

  /** A staff access token of a staff session (see StaffSessions): no refresh token, the session is the state. */
  async staffToken(
    staffId: string,
    sessionId: string,
  ): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number }> {
    const access = await this.tokens.issue({ sub: staffId, sid: sessionId, role: 'staff' });
    return { accessToken: access.token, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }

  /**
   * Renews a staff token that expired less than `graceSeconds` ago: the caller checks that its session
   * is still open (idle and absolute limits, revocation). Null when the token is no renewable staff token.
   */
  async renewableStaffClaims(accessToken: string, graceSeconds: number): Promise<AccessClaims | null> {
    const claims = await this.tokens.verifyRecentlyExpired(accessToken, graceSeconds);
    if (!claims) return null;
    if ((await this.cache.get(REVOKED_PREFIX + claims.sid)) !== null) return null;
    return claims;
  }

  /** The subject of an access token, or null when the token is invalid or its session revoked. */
  async authenticate(accessToken: string): Promise<AccessClaims | null> {
    const claims = await this.tokens.verify(accessToken);
    if (!claims) return null;
    if ((await this.cache.get(REVOKED_PREFIX + claims.sid)) !== null) return null;
    return claims;
  }

  private async revokeFamily(familyId: string, now: number) {
    await this.repo.revokeFamily(familyId, now);
    // Access tokens are stateless: remember the revoked session for as long as one of its tokens can live.
    await this.cache.set(REVOKED_PREFIX + familyId, '1', this.options.accessTtlSeconds + 10);
  }

  private async startFamily(
    citizenId: string,
    familyId: string,
    parentId: string | null,
    now: number,
  ): Promise<SessionTokens> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repo.insertRefreshToken({
      id: randomUUID(),
      family_id: familyId,
      citizen_id: citizenId,
      token_hash: hashToken(refreshToken),
      parent_id: parentId,
      created_at: now,
      expires_at: now + this.options.refreshTtlSeconds * 1000,
      used_at: null,
      revoked_at: null,
    });
    const access = await this.tokens.issue({ sub: citizenId, sid: familyId, role: 'citizen' });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: this.options.refreshTtlSeconds,
    };
  }
}
