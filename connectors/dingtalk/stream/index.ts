/**
 * DingTalk Stream mode (platforms.md §2.9): events reach the gateway over an outbound WebSocket, so
 * intranets without a public URL can subscribe. The official `dingtalk-stream` SDK hard-codes its URLs;
 * this is the documented protocol with a configurable `apiBase`.
 *
 * - {@link createStreamClient}: registration (`POST /v1.0/gateway/connections/open` → endpoint + ticket),
 *   the WebSocket, `ping` answers, `disconnect` hand-over with a new ticket, acks with the handler's
 *   answer (a throw is `LATER`), reconnects with jittered exponential backoff, a graceful `stop()`.
 *   Delivery is **at least once**: the same `eventId` can arrive more than once and out of order, so the
 *   gateway dedupes (inbox by eventId).
 * - {@link StreamGatewaySimulator}: registration, tickets (90 s, single use), the WebSocket endpoint on any
 *   HTTP server, at-least-once EVENT delivery with ack timeouts and redelivery, SYSTEM frames and faults.
 *   {@link startStreamGatewaySimulator} runs it standalone with {@link streamSandboxRoutes}.
 *
 * @packageDocumentation
 */
export { type BackoffRange, backoffDelay } from './backoff';
export {
  createStreamClient,
  DEFAULT_RECONNECT,
  DEFAULT_STREAM_UA,
  type StreamClient,
  type StreamClientEvents,
  type StreamClientOptions,
  type StreamClientState,
  type StreamClientStats,
  type StreamLogger,
} from './client';
export { DingtalkStreamOpenError, isCredentialErrorCode } from './errors';
export {
  buildAck,
  buildEventAck,
  eventAckStatus,
  MAX_FRAME_BYTES,
  parseStreamAck,
  parseStreamFrame,
  type StreamAck,
  type StreamEvent,
  type StreamEventStatus,
  type StreamFrame,
  StreamFrameError,
  type StreamFrameHeaders,
  type StreamFrameType,
  toStreamEvent,
} from './frames';
export { OPEN_CONNECTION_PATH, type StreamSubscription, type StreamTicket } from './open-connection';
export {
  type StreamConnectionInfo,
  type StreamCredentialCheck,
  type StreamDelivery,
  type StreamDeliveryOutcome,
  StreamGatewaySimulator,
  type StreamGatewaySimulatorOptions,
  type StreamPublishedEvent,
} from './simulator';
export {
  type RunningStreamGateway,
  startStreamGatewaySimulator,
  streamSandboxRoutes,
} from './simulator-server';
