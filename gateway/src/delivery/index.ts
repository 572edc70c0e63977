/**
 * Delivery (the sync context's outbound half): outbox messages → deliveries → outside systems, with
 * leases across instances, per-orderKey order, retries with backoff, rate limits, circuit breakers
 * and a dead-letter desk.
 *
 * Wiring (the gateway): run `outboxMigrations` and {@link deliveryMigrations}; build one
 * {@link DeliveryWorker} per instance with the routes and senders; `start()` it and `stop()` it on
 * shutdown; mount {@link deliveryRoutes} with a {@link DeliveryAdmin} given `worker.breakerStates`.
 */
export {
  DeliveryAdmin,
  type DeliveryDetail,
  type DeliveryEdit,
  type DeliveryListQuery,
  type DeliveryPage,
  type DeliveryStats,
  type DestinationStats,
} from './admin.service';
export { type BackoffOptions, DEFAULT_BACKOFF, fullJitterDelay } from './backoff';
export { type BreakerOptions, type BreakerState, DEFAULT_BREAKER } from './breakers';
export { classifyByKind, errorText, MAX_ERROR_LENGTH } from './classify';
export { type DeliveryTables, deliveryMigrations } from './delivery.migrations';
export { deliveryRoutes } from './delivery.routes';
export type {
  DeliveryRecord,
  DeliveryRoute,
  DeliverySender,
  DeliveryStatus,
  FailureInfo,
  FailureKind,
  PlannedDelivery,
  RoutedMessage,
  SendOutcome,
} from './delivery.types';
export { DestinationLimiter, type DestinationLimiterOptions } from './rate-limiter';
export { DeliveryWorker, type DeliveryWorkerOptions, type DrainOptions } from './worker';
