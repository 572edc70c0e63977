/**
 * Citizen profile (360°, issue 9): merges the six department sources into one profile per citizen,
 * keyed by the blind index of the ID number, with lineage for every value, source priority per fact,
 * conflicts recorded, consent per source and purpose, a life-event timeline fed by the change feeds,
 * and the citizen's own zh-CN view. Writes `citizen_profile` for the rules' SQL targeting.
 *
 * Not wired into gateway.ts yet: run {@link profileMigrations} after `rulesMigrations`.
 *
 * @packageDocumentation
 */

export {
  type BoundCitizen,
  CitizenProfiles,
  type CitizenProfilesDeps,
  type MyProfile,
  maskName,
  PURPOSE_LABELS,
} from './citizen-profiles';
export { type CitizenProfileView, type CitizenViewItem, citizenProfileView } from './citizen-view';
export {
  type ConsentSet,
  consentSet,
  loadConsents,
  type ProfileConsent,
  type ProfilePurpose,
  setConsent,
} from './consent';
export { type DeptSources, openDeptSources } from './dept-sources';
export {
  FACT_LABELS,
  type FactValue,
  type Lineage,
  type Observation,
  SOURCE_FACTS,
  SOURCE_LABELS,
} from './facts';
export { profileIdIndex } from './id-index';
export {
  LIFE_EVENT_LABELS,
  type LifeEvent,
  type LifeEventKind,
  lifeEventKey,
  lifeEventsOf,
  recordLifeEvents,
} from './life-events';
export {
  beijingDate,
  type MergedProfile,
  mergeProfile,
  mergeProfiles,
  type ProfileDeps,
  type SourceExclusion,
} from './merge';
export { profilePersonalData } from './personal-data';
export {
  DEFAULT_SOURCE_PRIORITY,
  type MergedValue,
  type ProfileConflict,
  resolveObservations,
  type SourcePriority,
} from './priority';
export { profileMigrations } from './profile.migrations';
export { profileRoutes } from './profile.routes';
export { type ProfileSources, pullRecords } from './pull';
export {
  addMonths,
  RETIREMENT_NOTICE_MONTHS,
  type RetirementDue,
  retirementAgeOf,
  retirementApproaching,
} from './retirement';
export { findSandboxParents, recordSandboxBirth, type SandboxBirth } from './sandbox-births';
export { FEED_SOURCES, resetCursor, type SyncReport, syncChanges } from './sync';
