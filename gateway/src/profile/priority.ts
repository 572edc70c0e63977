import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { FactValue, Lineage, Observation } from './facts';

/**
 * Per fact, the sources allowed to state it, most trusted first. A source not listed is ignored for
 * that fact. Identity facts: 公安 > 卫健; marital status: 民政 > 公安; each other source is the only
 * authority for its own facts (社保缴费年限: 人社 only).
 */
export type SourcePriority = Readonly<Record<string, readonly DeptSourceKey[]>>;

/** The default {@link SourcePriority}. */
export const DEFAULT_SOURCE_PRIORITY: SourcePriority = {
  'profile.birthDate': ['hukou', 'health'],
  'profile.gender': ['hukou', 'health'],
  'profile.householdRegion': ['hukou'],
  'profile.deathDate': ['hukou', 'health'],
  'profile.maritalStatus': ['marriage', 'hukou'],
  'profile.marriageDate': ['marriage'],
  'profile.socialInsurance.years': ['social-insurance'],
  'profile.employmentStatus': ['social-insurance'],
  'profile.retirementAge': ['social-insurance'],
  'profile.childrenCount': ['health'],
  'profile.hasProperty': ['property'],
  'profile.educationStage': ['education'],
};

/** A merged value and the lineage of the observation it was taken from. */
export interface MergedValue {
  fact: string;
  value: FactValue;
  lineage: Lineage;
}

/** Sources that disagree on a fact; `chosen` won by priority. */
export interface ProfileConflict {
  fact: string;
  chosen: DeptSourceKey;
  candidates: { source: DeptSourceKey; value: FactValue; observedAt: string }[];
}

/** Result of {@link resolveObservations}. */
export interface Resolution {
  values: Map<string, MergedValue>;
  /** Every observation that counted, with whether it won. */
  ranked: (Observation & { chosen: boolean })[];
  conflicts: ProfileConflict[];
}

/**
 * Picks, for each fact, the observation of the highest-priority source (the first one a source gives
 * wins within that source) and records a conflict when counted sources give different values.
 */
export function resolveObservations(
  observations: readonly Observation[],
  priority: SourcePriority = DEFAULT_SOURCE_PRIORITY,
): Resolution {
  const byFact = new Map<string, Observation[]>();
  for (const o of observations) {
    const rank = priority[o.fact]?.indexOf(o.source) ?? -1;
    if (rank < 0) continue;
    const list = byFact.get(o.fact) ?? [];
    if (!list.some((x) => x.source === o.source)) list.push(o);
    byFact.set(o.fact, list);
  }
  const values = new Map<string, MergedValue>();
  const ranked: Resolution['ranked'] = [];
  const conflicts: ProfileConflict[] = [];
  for (const [fact, list] of byFact) {
    const order = priority[fact]!;
    list.sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source));
    const winner = list[0]!;
    const { value, fact: _f, ...lineage } = winner;
    values.set(fact, { fact, value, lineage });
    for (const o of list) ranked.push({ ...o, chosen: o === winner });
    if (list.some((o) => o.value !== winner.value)) {
      conflicts.push({
        fact,
        chosen: winner.source,
        candidates: list.map((o) => ({ source: o.source, value: o.value, observedAt: o.observedAt })),
      });
    }
  }
  return { values, ranked, conflicts };
}
