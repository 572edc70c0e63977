import { DEPT_SOURCE_KEYS, type DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { ColumnIndex } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { type ConsentSet, loadConsents, type ProfilePurpose } from './consent';
import { SOURCE_FACTS } from './facts';
import { type LifeEvent, recordLifeEvents } from './life-events';
import { observationsOf, type PulledRecords } from './observations';
import {
  DEFAULT_SOURCE_PRIORITY,
  type MergedValue,
  type ProfileConflict,
  resolveObservations,
  type SourcePriority,
} from './priority';
import { saveConflicts, saveProfileRow, saveValues, type ValueRow } from './profile.repository';
import { type ProfileSources, pullRecords } from './pull';

/** What the profile merge needs. */
export interface ProfileDeps {
  db: Db;
  sources: ProfileSources;
  /** {@link profileIdIndex} of the deployment's blind-index key. */
  idIndex: ColumnIndex;
  /** Default {@link DEFAULT_SOURCE_PRIORITY}. */
  priority?: SourcePriority;
  /** Clock (ms). Default `Date.now`. */
  now?: () => number;
}

/** A source left out of a merge, and why. */
export interface SourceExclusion {
  source: DeptSourceKey;
  reason: 'consent_revoked';
  revokedAt: number | null;
}

/** One person's merged profile. */
export interface MergedProfile {
  idIndex: string;
  values: Map<string, MergedValue>;
  conflicts: ProfileConflict[];
  excluded: SourceExclusion[];
  /** Events the merge itself found (employment, from 人社 pulls). */
  events: LifeEvent[];
  /** @internal the records pulled, for deriving change events. */
  records: PulledRecords;
}

/** Beijing calendar date of `ms`. */
export const beijingDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Pulls every source for these persons (batch calls), merges each into one profile by
 * {@link SourcePriority}, and stores `profile_values` (lineage, superseding changed values),
 * `profile_conflicts` and the `citizen_profile` row. Sources a citizen revoked for `purpose` are not
 * pulled; their facts are stored as `excluded` with reason `consent_revoked`. Idempotent.
 * Result keyed by ID number (in memory only).
 */
export async function mergeProfiles(
  deps: ProfileDeps,
  idNumbers: readonly string[],
  purpose: ProfilePurpose = 'eligibility',
): Promise<Map<string, MergedProfile>> {
  const now = (deps.now ?? Date.now)();
  const today = beijingDate(now);
  const unique = [...new Set(idNumbers)];
  const indexes = new Map(unique.map((id) => [id, deps.idIndex.of(id)]));
  const consents = await loadConsents(deps.db, [...indexes.values()]);
  const consentOf = (id: string) => consents.get(indexes.get(id)!) as ConsentSet;
  const pulled = await pullRecords(deps.sources, unique, (id, s) => consentOf(id).canUse(s, purpose));
  const out = new Map<string, MergedProfile>();
  for (const id of unique) {
    const idIndex = indexes.get(id)!;
    const records = pulled.get(id) ?? {};
    const excluded: SourceExclusion[] = DEPT_SOURCE_KEYS.filter((s) => !consentOf(id).canUse(s, purpose)).map(
      (source) => ({
        source,
        reason: 'consent_revoked',
        revokedAt: consentOf(id).revokedAt(source, purpose),
      }),
    );
    const { values, ranked, conflicts } = resolveObservations(
      observationsOf(id, records, today),
      deps.priority ?? DEFAULT_SOURCE_PRIORITY,
    );
    const rows: ValueRow[] = ranked.map((o) => ({
      fact: o.fact,
      source: o.source,
      value: o.value,
      status: o.chosen ? 'chosen' : 'overridden',
      reason: o.chosen ? null : 'lower_priority',
      sourceRecordId: o.sourceRecordId ?? null,
      observedAt: o.observedAt,
    }));
    for (const x of excluded) {
      const at = x.revokedAt ? beijingDate(x.revokedAt) : today;
      for (const fact of SOURCE_FACTS[x.source]) {
        rows.push({
          fact,
          source: x.source,
          value: null,
          status: 'excluded',
          reason: x.reason,
          sourceRecordId: null,
          observedAt: at,
        });
      }
    }
    const before = await inTransaction(deps.db, async (tx) => {
      const prior = await saveValues(tx, idIndex, rows, now);
      await saveConflicts(tx, idIndex, conflicts, now);
      await saveProfileRow(tx, idIndex, values, now);
      return prior;
    });
    const events = employmentEvents(idIndex, before, values);
    await recordLifeEvents(deps.db, events, now);
    out.set(id, { idIndex, values, conflicts, excluded, events, records });
  }
  return out;
}

/** {@link mergeProfiles} for one person. */
export async function mergeProfile(
  deps: ProfileDeps,
  idNumber: string,
  purpose: ProfilePurpose = 'eligibility',
): Promise<MergedProfile> {
  return (await mergeProfiles(deps, [idNumber], purpose)).get(idNumber)!;
}

/** 就业: 人社 newly shows the person employed (not on the first merge, which is the initial state). */
function employmentEvents(
  idIndex: string,
  before: readonly ValueRow[],
  values: ReadonlyMap<string, MergedValue>,
): LifeEvent[] {
  const prior = before.find((r) => r.fact === 'profile.employmentStatus' && r.status === 'chosen');
  const now = values.get('profile.employmentStatus');
  if (!prior || prior.value === '在职' || now?.value !== '在职') return [];
  return [
    {
      idIndex,
      kind: 'employment',
      at: now.lineage.observedAt,
      source: now.lineage.source,
      subject: now.lineage.observedAt,
      details: {},
    },
  ];
}
