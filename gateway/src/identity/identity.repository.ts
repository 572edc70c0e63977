import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';

interface IdentityTables {
  citizens: {
    id: string;
    app_id: string;
    openid: string;
    unionid: string | null;
    created_at: number;
    updated_at: number;
    last_login_at: number;
    /** Channel of the latest sign-in (`wechat`, `sandbox`); null before phone binding existed. */
    last_channel: string | null;
  };
  refresh_tokens: {
    id: string;
    family_id: string;
    citizen_id: string;
    token_hash: string;
    parent_id: string | null;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    revoked_at: number | null;
  };
}

export type RefreshTokenRow = IdentityTables['refresh_tokens'];

export class IdentityRepository {
  private readonly db: Kysely<IdentityTables>;
  constructor(db: Db) {
    this.db = db as Kysely<IdentityTables>;
  }

  /**
   * Finds or creates the citizen of (appId, openid); `isNew` tells which. Safe under concurrent first
   * logins. `channel` is how they signed in (`wechat`, or `sandbox` for the H5 sandbox login).
   */
  async upsertWechatCitizen(
    appId: string,
    openid: string,
    unionid: string | undefined,
    now: number,
    channel = 'wechat',
  ) {
    const existing = await this.findByOpenid(appId, openid);
    if (existing) {
      await this.db
        .updateTable('citizens')
        .set({ last_login_at: now, updated_at: now, last_channel: channel, ...(unionid ? { unionid } : {}) })
        .where('id', '=', existing.id)
        .execute();
      return { id: existing.id, isNew: false };
    }
    const id = randomUUID();
    try {
      await this.db
        .insertInto('citizens')
        .values({
          id,
          app_id: appId,
          openid,
          unionid: unionid ?? null,
          created_at: now,
          updated_at: now,
          last_login_at: now,
          last_channel: channel,
        })
        .execute();
      return { id, isNew: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findByOpenid(appId, openid);
      if (!winner) throw error;
      return { id: winner.id, isNew: false };
    }
  }

  private findByOpenid(appId: string, openid: string) {
    return this.db
      .selectFrom('citizens')
      .select('id')
      .where('app_id', '=', appId)
      .where('openid', '=', openid)
      .executeTakeFirst();
  }

  /** The citizen of (appId, openid), for WeChat push events that name only the openid. */
  async citizenIdByOpenid(appId: string, openid: string): Promise<string | undefined> {
    return (await this.findByOpenid(appId, openid))?.id;
  }

  /** The citizen's mini-program openid (subscribe messages are addressed to it). */
  async openidOf(citizenId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('citizens')
      .select('openid')
      .where('id', '=', citizenId)
      .executeTakeFirst();
    return row?.openid;
  }

  async insertRefreshToken(row: RefreshTokenRow): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(row).execute();
  }

  findRefreshToken(tokenHash: string) {
    return this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  /** Marks a token used; false when another request used it first (the caller treats that as reuse). */
  async markUsed(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeFamily(familyId: string, now: number): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** The citizen's account row and how many sign-ins are active (for their data export). */
  async account(citizenId: string, now: number) {
    const row = await this.db
      .selectFrom('citizens')
      .selectAll()
      .where('id', '=', citizenId)
      .executeTakeFirst();
    const active = await this.db
      .selectFrom('refresh_tokens')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('citizen_id', '=', citizenId)
      .where('revoked_at', 'is', null)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? { row, activeSignIns: Number(active?.n ?? 0) } : undefined;
  }

  /** Deletes every refresh token of the citizen (signs them out everywhere); returns how many. */
  async deleteRefreshTokens(citizenId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('refresh_tokens')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
