/**
 * The cases of `bench:reconcile`, generated the same way in the bench and in the simulator child:
 * case i has document `D<i, 7 digits>`; 30% of cases are settled (their result applied here), the
 * rest wait. Every 1000th case (0.1%) carries a planted difference, the kinds in turn.
 */
export const DRIFT_KINDS = [
  'oa.result_missed', // OA decided, no result here: repaired through the inbox
  'oa.not_received', // the OA never got the push: re-pushed
  'oa.closed_in_oa', // withdrawn in the OA: needs a person
  'oa.state', // applied here, back to running in the OA: needs a person
  'oa.lost', // applied here, deleted in the OA: needs a person
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];
export const REPAIRABLE: ReadonlySet<DriftKind> = new Set(['oa.result_missed', 'oa.not_received']);

export const externalIdOf = (i: number) => `D${String(i).padStart(7, '0')}`;

export function driftOf(i: number): DriftKind | undefined {
  return i % 1000 === 7 ? DRIFT_KINDS[Math.floor(i / 1000) % DRIFT_KINDS.length] : undefined;
}

/** Our link of case i: link state and the OA state we expect. */
export function ours(i: number): { state: 'open' | 'applied'; externalState: string } {
  const kind = driftOf(i);
  if (kind === 'oa.state' || kind === 'oa.lost') return { state: 'applied', externalState: 'approved' };
  if (kind) return { state: 'open', externalState: 'running' };
  if (i % 10 < 3) return { state: 'applied', externalState: i % 2 ? 'approved' : 'rejected' };
  return { state: 'open', externalState: 'running' };
}

/** The OA's document of case i (undefined: the OA does not hold it). */
export function theirs(i: number): string | undefined {
  switch (driftOf(i)) {
    case 'oa.result_missed':
      return 'approved';
    case 'oa.not_received':
    case 'oa.lost':
      return undefined;
    case 'oa.closed_in_oa':
      return 'withdrawn';
    case 'oa.state':
      return 'running';
    default:
      return ours(i).externalState;
  }
}

export const SECRET = 'bench-reconcile-secret-not-real-0001';
