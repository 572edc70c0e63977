/**
 * Department data sources for the citizen profile (issue 9): 公安 户籍, 人社 社会保险, 民政 婚姻登记,
 * 卫健 出生/死亡医学证明, 教育 学籍, 不动产登记. One wire protocol for all six (README.md): token, pull by
 * ID number, batch pull (≤100), change feed with a resumable cursor (not 人社, which is pulled monthly).
 *
 * - Clients: {@link createDeptClient} and the per-source factories; errors {@link DeptApiError} /
 *   {@link DeptTransportError}.
 * - Simulators: {@link createDeptSimulator} and the per-source factories, serving a
 *   {@link createPopulation} population plus `/__sandbox/*` edits and chaos.
 * - Population: a deterministic, lazily computed fictitious population (up to
 *   {@link MAX_POPULATION_SIZE} persons) with GB 11643-valid ID numbers (sequence codes 900–995),
 *   consistent across the six sources.
 *
 * @packageDocumentation
 */
export type { ChangeEvent, ChangePage } from './changes';
export {
  type BatchItem,
  createDeptClient,
  createEducationClient,
  createHealthClient,
  createHukouClient,
  createMarriageClient,
  createPropertyClient,
  createSocialInsuranceClient,
  DEPT_BATCH_LIMIT,
  type DeptClient,
  type DeptFeedClient,
  type DeptPullClient,
} from './client/client';
export {
  DEFAULT_DEPT_RETRY,
  DEFAULT_DEPT_TIMEOUT_MS,
  type DeptClientConfig,
  type DeptRetryPolicy,
} from './client/config';
export { isAutoRetryable } from './client/retry';
export { deptTokenCacheKey } from './client/transport';
export { DEPT_ERRCODES, DEPT_ERRMSG, RETRYABLE_ERRCODES, STALE_TOKEN_ERRCODES } from './errcodes';
export { DeptApiError, DeptTransportError } from './errors';
export { buildIdNumber, idCheckChar, isIdNumber, maskIdNumber } from './id-number';
export type { Family, FamilyKind, MemberRole } from './population/family';
export {
  createPopulation,
  MAX_POPULATION_SIZE,
  type Population,
  type PopulationOptions,
  type PopulationPerson,
} from './population/population';
export { REGIONS, type Region } from './population/regions';
export type * from './records';
export { MAX_BATCH_SIZE, MAX_CHANGES_PER_PAGE } from './simulator/server';
export {
  type ChangeInput,
  createDeptSimulator,
  createEducationSimulator,
  createHealthSimulator,
  createHukouSimulator,
  createMarriageSimulator,
  createPropertySimulator,
  createSocialInsuranceSimulator,
  DEMO_DEPT_APP,
  type DeptSimulator,
  type DeptSimulatorOptions,
} from './simulator/simulator';
export type { DeptApp } from './simulator/tokens';
export { DEPT_SOURCE_KEYS, DEPT_SOURCES, type DeptSourceKey, type DeptSourceSpec } from './sources';
export { fictitiousUscc, usccCheckChar } from './uscc';
