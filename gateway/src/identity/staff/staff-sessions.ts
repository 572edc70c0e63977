import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Cache } from '../../platform/cache/cache';
import type { Db } from '../../platform/db/database';
import { errors } from '../../platform/errors';

export interface SessionPolicy {
  /** Signed out after this long without a request (等保: 30 minutes). */
  idleSeconds: number;
  /** Signed out this long after signing in, whatever the activity (12 hours). */
  absoluteSeconds: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 3600 };

interface SessionTables {
  staff_sessions: {
    id: string;
    staff_id: string;
    method: string;
    ip: string | null;
    user_agent: string | null;
    created_at: number;
    expires_at: number;
    revoked_at: number | null;
  };
}

const KEY = 'staff-session:';

/**
 * Staff sessions: a row per sign-in (listed and revoked by the staff member or a security admin),
 * and a cache entry whose time-to-live is the idle timeout, renewed by each request: a session
 * is alive while its entry exists and its absolute expiry has not passed. With Redis every instance
 * sees the same sessions; revoking deletes the entry at once.
 */
export class StaffSessions {
  private readonly db: Kysely<SessionTables>;

  constructor(
    db: Db,
    private readonly cache: Cache,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db as unknown as Kysely<SessionTables>;
  }

  async open(
    staffId: string,
    method: string,
    meta: { ip?: string; userAgent?: string } = {},
  ): Promise<string> {
    const id = randomUUID();
    const now = this.now();
    const expiresAt = now + this.policy.absoluteSeconds * 1000;
    await this.db
      .insertInto('staff_sessions')
      .values({
        id,
        staff_id: staffId,
        method,
        ip: meta.ip?.slice(0, 64) ?? null,
        user_agent: meta.userAgent?.slice(0, 255) ?? null,
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    await this.cache.set(KEY + id, `${staffId}|${expiresAt}`, this.policy.idleSeconds);
    return id;
  }

  /** Whether the session is alive for this staff member; renews its idle timer when it is. */
  async touch(sessionId: string, staffId: string): Promise<boolean> {
    const entry = await this.cache.get(KEY + sessionId);
    if (!entry) return false;
    const [owner, expires] = entry.split('|');
    const left = Number(expires) - this.now();
    if (owner !== staffId || !(left > 0)) return false;
    await this.cache.set(KEY + sessionId, entry, Math.min(this.policy.idleSeconds, left / 1000));
    return true;
  }

  async list(staffId: string) {
    const rows = await this.db
      .selectFrom('staff_sessions')
      .selectAll()
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.now())
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
    const alive = await Promise.all(rows.map((r) => this.cache.get(KEY + r.id)));
    return rows
      .filter((_, i) => alive[i] !== null)
      .map((r) => ({
        id: r.id,
        method: r.method,
        ip: r.ip,
        userAgent: r.user_agent,
        createdAt: new Date(Number(r.created_at)).toISOString(),
        expiresAt: new Date(Number(r.expires_at)).toISOString(),
      }));
  }

  /** Ends a session of `staffId` (their own, or anyone's for a security admin: the caller decides). */
  async revoke(staffId: string, sessionId: string): Promise<void> {
    const result = await this.db
      .updateTable('staff_sessions')
      .set({ revoked_at: this.now() })
      .where('id', '=', sessionId)
      .where('staff_id', '=', staffId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw errors.notFound('session_not_found', '未找到该会话');
    await this.cache.del(KEY + sessionId);
  }
}
