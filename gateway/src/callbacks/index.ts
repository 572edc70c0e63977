/**
 * Inbound callbacks and events (the `sync` side of issue 6): platform callbacks are verified,
 * recorded once in a durable inbox, answered at once, and applied afterwards by registered handlers.
 *
 * Wiring (the lead's part):
 * ```ts
 * const callbacks = callbacksConfigFromEnv(process.env);            // merged into AppConfig
 * await migrate(db, inboxMigrations, …);
 * const handlers = new InboxHandlers().on('dingtalk', 'bpms_task_change', applyDecision);
 * const inbox = new InboxService(db, handlers, { log });
 * app.use(callbackRoutes({ config: callbacks, inbox, cache: infra.cache, log,
 *   receiveIds: { dingtalk: appKey, wecom: corpId, wechat: appId }, oaSecret }));   // before the API router
 * inboxAdminRoutes(api, inbox);                                       // listInboxEvents, retryInboxEvent
 * const worker = new InboxWorker(inbox, log); worker.start();        // retries, other instances' rows
 * if (callbacks.dingtalk.mode === 'stream')
 *   await new DingtalkStreamConsumer(inbox, { apiBase, clientId, clientSecret, log }).start();
 * ```
 *
 * @packageDocumentation
 */

export {
  type CallbacksConfig,
  callbacksConfigFromEnv,
  DEFAULT_CALLBACK_BODY_LIMIT,
  DEFAULT_MAX_SKEW_SECONDS,
  type DingtalkCallbackSettings,
} from '@gcrm/config/callbacks';
export {
  CALLBACKS_PREFIX,
  type CallbackRoutesDeps,
  callbackRoutes,
} from './callback-routes';
export { DingtalkStreamConsumer, type DingtalkStreamConsumerOptions } from './dingtalk-stream-consumer';
export { inboxMigrations } from './inbox.migrations';
export { InboxRepository } from './inbox.repository';
export { InboxService, type InboxServiceOptions, type Received, type RunOutcome } from './inbox.service';
export type { InboxEventView, InboxInput, InboxRow, InboxStatus } from './inbox.types';
export { inboxAdminRoutes } from './inbox-admin.routes';
export { DEFAULT_RETRY_POLICY, type InboxRetryPolicy, inboxRetryDelay } from './inbox-backoff';
export { type InboxEvent, type InboxHandler, InboxHandlers, PermanentInboxError } from './inbox-handlers';
export { InboxWorker, type InboxWorkerOptions } from './inbox-worker';
export { ReplayGuard } from './replay-guard';
