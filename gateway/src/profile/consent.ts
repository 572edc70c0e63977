import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';

/** What a source's data may be used for: rule eligibility, form pre-fill, proactive service. */
export type ProfilePurpose = 'eligibility' | 'prefill' | 'proactive';

/** One consent record of a citizen (keyed by the blind index of their ID number). */
export interface ProfileConsent {
  source: DeptSourceKey;
  purpose: ProfilePurpose;
  grantedAt: number | null;
  /** Set while revoked; a later grant clears it. */
  revokedAt: number | null;
}

/**
 * A citizen's consents. Without a record a source may be used (the sharing rests on the departments'
 * statutory duties, PIPL Art. 13(1)3); a revocation excludes the source for that purpose.
 */
export interface ConsentSet {
  canUse(source: DeptSourceKey, purpose: ProfilePurpose): boolean;
  /** The revocation time when {@link ConsentSet.canUse} says no. */
  revokedAt(source: DeptSourceKey, purpose: ProfilePurpose): number | null;
  readonly records: readonly ProfileConsent[];
}

/** Builds a {@link ConsentSet} from records. */
export function consentSet(records: readonly ProfileConsent[]): ConsentSet {
  const find = (s: DeptSourceKey, p: ProfilePurpose) =>
    records.find((r) => r.source === s && r.purpose === p);
  return {
    records,
    canUse: (source, purpose) => find(source, purpose)?.revokedAt == null,
    revokedAt: (source, purpose) => find(source, purpose)?.revokedAt ?? null,
  };
}

/** The stored consents of the citizens with these blind indexes (absent → empty set). */
export async function loadConsents(db: Db, idIndexes: readonly string[]): Promise<Map<string, ConsentSet>> {
  const rows =
    idIndexes.length === 0
      ? []
      : await db.selectFrom('profile_consents').selectAll().where('id_index', 'in', idIndexes).execute();
  const out = new Map<string, ConsentSet>();
  for (const idIndex of idIndexes) {
    const mine = rows
      .filter((r) => r.id_index === idIndex)
      .map((r) => ({
        source: r.source as DeptSourceKey,
        purpose: r.purpose as ProfilePurpose,
        grantedAt: r.granted_at == null ? null : Number(r.granted_at),
        revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
      }));
    out.set(idIndex, consentSet(mine));
  }
  return out;
}

/** Records a grant (`revoked: false`) or a revocation of one source for one purpose. */
export async function setConsent(
  db: Db,
  idIndex: string,
  source: DeptSourceKey,
  purpose: ProfilePurpose,
  revoked: boolean,
  at: number,
): Promise<void> {
  const key = { id_index: idIndex, source, purpose };
  const change = revoked ? { revoked_at: at } : { granted_at: at, revoked_at: null };
  const { numUpdatedRows } = await db
    .updateTable('profile_consents')
    .set(change)
    .where('id_index', '=', idIndex)
    .where('source', '=', source)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (numUpdatedRows > 0n) return;
  try {
    await db
      .insertInto('profile_consents')
      .values({ ...key, granted_at: revoked ? null : at, revoked_at: revoked ? at : null })
      .execute();
  } catch (error) {
    // MySQL counts an update that changes nothing as 0 rows: the record is already there.
    if (!isUniqueViolation(error)) throw error;
  }
}
