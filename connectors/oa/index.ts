/**
 * Legacy OA connectors (platforms.md §4): one port, four adapters, four simulators.
 *
 * - The port: {@link OaConnector} (`push` idempotent per caseId, `status`, optional `list`,
 *   `pushesResults`), {@link OaCase}, {@link OaStatus}; failures are {@link OaError} with `kind`
 *   `permanent` | `retryable` | `authExpired` | `rateLimited`.
 * - Adapters: {@link createWeaverConnector} (泛微 E9 REST, RSA handshake + token),
 *   {@link createSeeyonConnector} (致远 A8 REST token), {@link createLandrayConnector} (蓝凌 EKP SOAP),
 *   {@link createGenericOaConnector} (our signed REST/JSON protocol; the only one that pushes results).
 * - Callback verification for the generic protocol: {@link verifyGenericOaCallback},
 *   {@link signGenericOaRequest}.
 * - Simulators: `create<Vendor>Simulator`, real HTTP on 127.0.0.1 with the shared `/__sandbox/*` control
 *   API (documents decide/drift, faults, clock, token expiry, received requests); they do not exist on
 *   the real platforms.
 *
 * @packageDocumentation
 */
export { isAuthExpired, OaError, type OaErrorKind } from './errors';
export { createGenericOaConnector, readGenericStatus } from './generic/client';
export type { GenericOaConfig } from './generic/generic-config';
export {
  canonicalRequest,
  DEFAULT_MAX_SKEW_S,
  GENERIC_OA_CALLBACK_PATH,
  GENERIC_OA_HEADERS,
  type GenericOaVerification,
  type HeaderBag,
  type SignatureRefusal,
  signGenericOaCallback,
  signGenericOaRequest,
  verifyGenericOaCallback,
  verifyGenericOaRequest,
} from './generic/signature';
export {
  type CallbackDelivery,
  createGenericOaSimulator,
  GENERIC_FAULT_ERRORS,
  type GenericOaSimulator,
  type GenericOaSimulatorOptions,
} from './generic/simulator';
export { createLandrayConnector, landrayFormValues, landrayState } from './landray/client';
export { LANDRAY_QUERY_SERVICE, LANDRAY_REVIEW_SERVICE, type LandrayConfig } from './landray/landray-config';
export {
  createLandraySimulator,
  LANDRAY_FAULT_ERRORS,
  type LandraySimulator,
  type LandraySimulatorOptions,
} from './landray/simulator';
export type { OaCase, OaConnector, OaState, OaStatus } from './port';
export { createSeeyonConnector, SEEYON_PATHS, seeyonState } from './seeyon/client';
export type { SeeyonConfig } from './seeyon/seeyon-config';
export {
  createSeeyonSimulator,
  SEEYON_FAULT_ERRORS,
  type SeeyonSimulator,
  type SeeyonSimulatorOptions,
} from './seeyon/simulator';
export type { SimDecision, SimDocument, SimDrift } from './shared/sim-documents';
export type {
  OaDocumentEffects,
  OaSimulatorBase,
  OaSimulatorFault,
  ReceivedRequest,
} from './shared/sim-server';
export { createWeaverConnector, WEAVER_PATHS, weaverState } from './weaver/client';
export {
  createWeaverSimulator,
  WEAVER_FAULT_ERRORS,
  type WeaverSimulator,
  type WeaverSimulatorOptions,
} from './weaver/simulator';
export type { WeaverConfig } from './weaver/weaver-config';
