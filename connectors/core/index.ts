/**
 * Plumbing shared by the WeChat, DingTalk and WeCom connectors. Each connector wires these pieces with
 * what differs on its platform (token endpoint, stale-token errcodes, error classes, error bodies).
 *
 * - Transport: {@link TokenCache} port, {@link createMemoryTokenCache}, {@link createAccessTokenProvider}
 *   (cache + single-flight + early refresh + refetch-once on a stale token), {@link createJsonHttp}.
 * - Simulators: fault registry and parser, body/JSON I/O, the request-handler skeleton (sandbox, faults,
 *   wire routes, unknown paths), sandbox clock/fault/org/auth-code route helpers, request stats,
 *   sliding-window rate limits, the listener.
 * - Callbacks: {@link CallbackCipher} (WXBizMsgCrypt family: WeChat safe mode, WeCom, DingTalk HTTP push),
 *   {@link plainSignature}, {@link parseSafeXml}, {@link buildXml}.
 * - Tests: `core/testing/` (raw wire helpers, a recording token cache, the access-token test harness,
 *   simulator fuzz properties); not exported here.
 *
 * @packageDocumentation
 */

export {
  buildXml,
  CallbackCipher,
  CallbackCipherError,
  type CallbackCipherErrorCode,
  type CallbackCipherOptions,
  MAX_CALLBACK_XML_CHARS,
  parseSafeXml,
  plainSignature,
} from './callback-cipher/index';
export {
  type ChaosAnswer,
  type ChaosCounts,
  ChaosInputError,
  type ChaosOutcome,
  type ChaosPlatform,
  type ChaosSettings,
  createSimulatorChaos,
  defaultChaosSettings,
  parseChaosSettings,
  type SimulatorChaos,
  seededRandom,
  withChaos,
} from './simulator/chaos';
export {
  createFaultRegistry,
  type FaultRegistry,
  MAX_FAULT_LATENCY_MS,
  type SimulatorFault,
} from './simulator/faults';
export { asObject, MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from './simulator/http-io';
export { delayOrDrop } from './simulator/inject-fault';
export { createSimulatorListener, type SimulatorListener } from './simulator/listener';
export {
  BASE_FAULT_FIELDS,
  DROP_FIELD,
  ERRCODE_FIELD,
  type FaultField,
  flagField,
  LATENCY_FIELD,
  parseFault,
  TIMES_FIELD,
} from './simulator/parse-fault';
export {
  createSimulatorRequestHandler,
  type JsonAnswer,
  type RequestHandlerOptions,
} from './simulator/request-handler';
export { copyStats, countRequest, routePaths, type SimulatorStats } from './simulator/request-stats';
export {
  BadRequest,
  badRequestOnThrow,
  MAX_ADVANCE_SECONDS,
  type SandboxClock,
  type SandboxOrg,
  type SandboxRoutes,
  type SimulatorRequest,
  sandboxAddFault,
  sandboxAdvanceClock,
  sandboxClearFaults,
  sandboxCommonRoutes,
  sandboxMintCode,
  sandboxOrgRoutes,
} from './simulator/sandbox';
export { createSlidingWindow, type SlidingWindow } from './simulator/sliding-window';
export {
  type AccessTokenProvider,
  type AccessTokenProviderOptions,
  cacheTtlSeconds,
  createAccessTokenProvider,
  type FetchedToken,
  readTokenBody,
  TOKEN_REFRESH_MARGIN_SECONDS,
} from './transport/access-token';
export { bodyReader } from './transport/body-reader';
export {
  checkErrcode,
  createJsonHttp,
  type JsonBody,
  type JsonHttp,
  type JsonHttpOptions,
  type TransportErrorFactory,
} from './transport/json-http';
export { createMemoryTokenCache } from './transport/memory-token-cache';
export type { TokenCache } from './transport/token-cache';
