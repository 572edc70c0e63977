import { DEPT_SOURCE_KEYS, type DeptSourceKey, isIdNumber, maskIdNumber } from '@gcrm/connectors/dept-data';
import type { AuditEntry } from '../audit/audit.types';
import type { Facts } from '../platform/conditions';
import type { ColumnIndex, FieldCipher } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { AppError, errors } from '../platform/errors';
import type { RateLimiter } from '../platform/ratelimit/rate-limit';
import { PROFILE_TABLE, type ProfileRow, profileFacts } from '../rules/profile-table';
import { type CitizenProfileView, citizenProfileView } from './citizen-view';
import { loadConsents, type ProfilePurpose, setConsent } from './consent';
import { EVENT_SOURCE_LABELS, SOURCE_LABELS } from './facts';
import { LIFE_EVENT_LABELS, type LifeEventKind, lifeEventsOf } from './life-events';
import { type MergedProfile, mergeProfile, type ProfileDeps } from './merge';

const PLACE_ID = { table: 'citizen_real_names', column: 'id_number' } as const;
const PLACE_NAME = { table: 'citizen_real_names', column: 'name' } as const;

/** zh-CN names of the purposes a consent is given for. */
export const PURPOSE_LABELS: Readonly<Record<ProfilePurpose, string>> = {
  eligibility: '判断可享受的政策',
  prefill: '自动填写申请表',
  proactive: '主动推送服务',
};

/** The citizen's own view of their profile (GET /me/profile). */
export type MyProfile =
  | { bound: false }
  | ({
      bound: true;
      /** e.g. 王*明 */
      name: string;
      timeline: { kind: string; label: string; at: string; sourceLabel: string }[];
      consents: {
        source: DeptSourceKey;
        sourceLabel: string;
        purpose: ProfilePurpose;
        purposeLabel: string;
        granted: boolean;
        revokedAt?: string;
      }[];
    } & CitizenProfileView);

/** A citizen bound to a person: their account id and the person's blind index. */
export interface BoundCitizen {
  citizenId: string;
  idIndex: string;
}

export interface CitizenProfilesDeps {
  profile: ProfileDeps;
  cipher: FieldCipher;
  /** Real-name attempts per citizen (guessing name/ID pairs against 公安 is what it stops). */
  attempts: RateLimiter;
  audit: (entry: AuditEntry, tx?: Tx) => Promise<unknown>;
}

/** 王*明, 张*: the family name and, for longer names, the last character. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

const realNameMismatch = () =>
  new AppError({
    status: 422,
    code: 'real_name_mismatch',
    title: '实名信息核验未通过',
    detail: '姓名与身份证号码不一致，或该身份证号码在户籍系统中无有效记录，请核对后重试',
  });

/**
 * The citizen side of the profile: 实名认证 against 公安户籍 (binds the account to the person), the view
 * of what the profile holds, consents, the facts the rules read, and the citizen's rights (export, erase).
 */
export class CitizenProfiles {
  private readonly db: Db;
  private readonly idIndex: ColumnIndex;

  private boundListener?: (citizenId: string, idIndex: string) => Promise<void>;

  /** Called after an account is bound to its person (proactive service picks up the person's offers). */
  whenBound(listener: (citizenId: string, idIndex: string) => Promise<void>): void {
    this.boundListener = listener;
  }

  constructor(private readonly deps: CitizenProfilesDeps) {
    this.db = deps.profile.db;
    this.idIndex = deps.profile.idIndex;
  }

  private now(): number {
    return (this.deps.profile.now ?? Date.now)();
  }

  /**
   * 实名认证: the name must match 公安户籍's record of the ID number (a living, registered person). Binds
   * the account, merges the person's profile and returns the citizen's view. One account per person:
   * 409 `real_name_bound` when another account holds the person or this one holds another person.
   */
  async bind(
    citizenId: string,
    name: string,
    idNumber: string,
    request: { ip: string | null; requestId: string | null },
  ): Promise<MyProfile> {
    const id = idNumber.toUpperCase();
    const realName = name.trim();
    if (!isIdNumber(id))
      throw errors.validation([
        { pointer: '/idNumber', code: 'id_number_invalid', message: '身份证号码不正确，请核对' },
      ]);
    const decision = await this.deps.attempts.consume(citizenId);
    if (!decision.allowed) throw errors.tooManyRequests(decision.retryAfterSeconds, 'real_name_too_frequent');
    const idIndex = this.idIndex.of(id);
    const existing = await this.boundOf(citizenId);
    if (existing && existing.idIndex !== idIndex)
      throw errors.conflict('real_name_bound', '该账号已完成实名认证，如需更换请联系服务中心');
    let record: Awaited<ReturnType<ProfileDeps['sources']['hukou']['get']>>;
    try {
      record = await this.deps.profile.sources.hukou.get(id);
    } catch {
      throw errors.unavailable('real_name_unavailable', '户籍核验服务暂时不可用，请稍后重试', 30);
    }
    const verified = record !== null && record.name === realName && record.status === '正常';
    if (!verified) {
      await this.deps.audit({
        actorType: 'citizen',
        actorId: citizenId,
        action: 'citizen.real_name.verify',
        objectType: 'citizen',
        objectId: citizenId,
        result: 'denied',
        ip: request.ip,
        requestId: request.requestId,
        details: { idNumber: maskIdNumber(id) },
      });
      throw realNameMismatch();
    }
    if (!existing) {
      const now = this.now();
      try {
        await inTransaction(this.db, async (tx) => {
          await tx
            .insertInto('citizen_real_names')
            .values({
              citizen_id: citizenId,
              id_index: idIndex,
              id_number_ct: this.deps.cipher.encrypt(id, { ...PLACE_ID, rowId: citizenId }),
              name_ct: this.deps.cipher.encrypt(realName, { ...PLACE_NAME, rowId: citizenId }),
              verified_by: 'hukou',
              verified_at: now,
            })
            .execute();
          await this.deps.audit(
            {
              actorType: 'citizen',
              actorId: citizenId,
              action: 'citizen.real_name.bind',
              objectType: 'citizen',
              objectId: citizenId,
              result: 'success',
              ip: request.ip,
              requestId: request.requestId,
              details: { idNumber: maskIdNumber(id), verifiedBy: 'hukou' },
            },
            tx,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw errors.conflict('real_name_bound', '该身份已绑定其他账号，如有疑问请联系服务中心');
        throw error;
      }
    }
    await this.refresh(citizenId);
    await this.boundListener?.(citizenId, idIndex);
    return this.view(citizenId);
  }

  /** The person the account is bound to, if any. */
  async boundOf(citizenId: string): Promise<BoundCitizen | undefined> {
    const row = await this.db
      .selectFrom('citizen_real_names')
      .select(['citizen_id', 'id_index'])
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return row ? { citizenId: row.citizen_id, idIndex: row.id_index } : undefined;
  }

  /** The accounts bound to these persons (blind index → citizen id). */
  async citizensOf(idIndexes: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < idIndexes.length; i += 500) {
      const rows = await this.db
        .selectFrom('citizen_real_names')
        .select(['citizen_id', 'id_index'])
        .where('id_index', 'in', idIndexes.slice(i, i + 500))
        .execute();
      for (const r of rows) out.set(r.id_index, r.citizen_id);
    }
    return out;
  }

  /** The ID number and name of the bound person, in clear (for pre-filling the citizen's own forms). */
  async identityOf(
    citizenId: string,
  ): Promise<{ idNumber: string; name: string; idIndex: string } | undefined> {
    const row = await this.db
      .selectFrom('citizen_real_names')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      idNumber: await this.deps.cipher.decryptRefreshing(row.id_number_ct, { ...PLACE_ID, rowId: citizenId }),
      name: await this.deps.cipher.decryptRefreshing(row.name_ct, { ...PLACE_NAME, rowId: citizenId }),
      idIndex: row.id_index,
    };
  }

  /** The bound accounts' ID numbers in account order, a page after `after` (the monthly refresh). */
  async boundIdNumbers(
    after: string | null,
    limit: number,
  ): Promise<{ citizenId: string; idNumber: string }[]> {
    let q = this.db.selectFrom('citizen_real_names').selectAll().orderBy('citizen_id').limit(limit);
    if (after !== null) q = q.where('citizen_id', '>', after);
    const rows = await q.execute();
    return Promise.all(
      rows.map(async (r) => ({
        citizenId: r.citizen_id as string,
        idNumber: await this.deps.cipher.decryptRefreshing(r.id_number_ct, {
          ...PLACE_ID,
          rowId: r.citizen_id,
        }),
      })),
    );
  }

  /** Pulls the departments' records again and merges them (for `purpose`'s consents). */
  async refresh(
    citizenId: string,
    purpose: ProfilePurpose = 'eligibility',
  ): Promise<MergedProfile | undefined> {
    const who = await this.identityOf(citizenId);
    if (!who) return undefined;
    return mergeProfile(this.deps.profile, who.idNumber, purpose);
  }

  /** The facts the rules read for this citizen (`profile.*`), or undefined when not bound. */
  async facts(citizenId: string): Promise<{ idIndex: string; facts: Facts } | undefined> {
    const bound = await this.boundOf(citizenId);
    if (!bound) return undefined;
    const row = await this.db
      .selectFrom(PROFILE_TABLE)
      .selectAll()
      .where('id_index', '=', bound.idIndex)
      .executeTakeFirst();
    return { idIndex: bound.idIndex, facts: row ? profileFacts(row as ProfileRow) : {} };
  }

  /** Whether the citizen lets `source` be used for `purpose` (no record: yes). */
  async canUse(idIndex: string, source: DeptSourceKey, purpose: ProfilePurpose): Promise<boolean> {
    return (await loadConsents(this.db, [idIndex])).get(idIndex)?.canUse(source, purpose) ?? true;
  }

  /** What the profile holds and where it came from, the timeline and the consents (zh-CN). */
  async view(citizenId: string): Promise<MyProfile> {
    const who = await this.identityOf(citizenId);
    if (!who) return { bound: false };
    const base = await citizenProfileView(this.db, this.idIndex, who.idNumber);
    const events = await lifeEventsOf(this.db, who.idIndex);
    const consents = (await loadConsents(this.db, [who.idIndex])).get(who.idIndex);
    return {
      bound: true,
      name: maskName(who.name),
      ...base,
      timeline: events.map((e) => ({
        kind: e.kind,
        label: LIFE_EVENT_LABELS[e.kind as LifeEventKind] ?? e.kind,
        at: e.at,
        sourceLabel: EVENT_SOURCE_LABELS[e.source] ?? e.source,
      })),
      consents: DEPT_SOURCE_KEYS.flatMap((source) =>
        (Object.keys(PURPOSE_LABELS) as ProfilePurpose[]).map((purpose) => {
          const revokedAt = consents?.revokedAt(source, purpose) ?? null;
          return {
            source,
            sourceLabel: SOURCE_LABELS[source],
            purpose,
            purposeLabel: PURPOSE_LABELS[purpose],
            granted: revokedAt === null,
            ...(revokedAt !== null ? { revokedAt: new Date(revokedAt).toISOString() } : {}),
          };
        }),
      ),
    };
  }

  /** Grants or revokes one source for one purpose, then merges again so the profile follows at once. */
  async setConsent(
    citizenId: string,
    source: DeptSourceKey,
    purpose: ProfilePurpose,
    granted: boolean,
  ): Promise<MyProfile> {
    const bound = await this.boundOf(citizenId);
    if (!bound) throw errors.forbidden('real_name_required', '请先完成实名认证');
    const now = this.now();
    await setConsent(this.db, bound.idIndex, source, purpose, !granted, now);
    await this.deps.audit({
      actorType: 'citizen',
      actorId: citizenId,
      action: granted ? 'citizen.consent.grant' : 'citizen.consent.revoke',
      objectType: 'profile_source',
      objectId: source,
      result: 'success',
      details: { purpose },
    });
    if (purpose === 'eligibility') await this.refresh(citizenId, 'eligibility');
    return this.view(citizenId);
  }

  /** The citizen's copy: binding, profile values with their sources, timeline, consents. */
  async exportOwn(citizenId: string): Promise<unknown> {
    const who = await this.identityOf(citizenId);
    if (!who) return null;
    const view = await this.view(citizenId);
    return { realName: { name: who.name, idNumber: who.idNumber }, profile: view };
  }

  /**
   * Deletes the binding. The departments' data stays with the departments; what we derived about the person
   * (values, conflicts, events, consents) goes, unless another account still holds the person (never).
   */
  async erase(citizenId: string): Promise<number> {
    const bound = await this.boundOf(citizenId);
    if (!bound) return 0;
    let deleted = 0;
    await inTransaction(this.db, async (tx) => {
      for (const table of ['profile_values', 'profile_conflicts', 'life_events', 'profile_consents']) {
        const r = await tx.deleteFrom(table).where('id_index', '=', bound.idIndex).executeTakeFirst();
        deleted += Number(r.numDeletedRows);
      }
      await tx.deleteFrom(PROFILE_TABLE).where('id_index', '=', bound.idIndex).execute();
      const r = await tx
        .deleteFrom('citizen_real_names')
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    });
    return deleted;
  }
}
