/**
 * Citizen notifications: WeChat subscribe messages while the citizen has a one-time consent left,
 * SMS otherwise (or when they asked for SMS).
 *
 * Wiring (the gateway): run {@link notificationMigrations}; build a {@link NotificationService} with
 * {@link loadNotificationsConfig}; mount {@link notificationRoutes}; give the delivery worker
 * {@link citizenNotificationRoute} and the senders {@link wechatSubscribeSender} and {@link smsSender};
 * register {@link subscribeEventHandler} for the three WeChat subscribe push events.
 *
 * @packageDocumentation
 */
export {
  type CitizenNotificationDeps,
  type ContactPhone,
  citizenNotificationRoute,
  classifySmsError,
  classifyWechatSubscribeError,
  type OpenidOf,
  SMS_DESTINATION,
  type SmsNotificationPayload,
  smsSender,
  WECHAT_DESTINATION,
  type WechatNotificationPayload,
  wechatSubscribeSender,
} from './citizen-route';
export {
  DEFAULT_NOTIFICATIONS_FILE,
  loadNotificationsConfig,
  type NotificationEvent,
  type NotificationsConfig,
  parseNotificationsConfig,
} from './notifications.config';
export { type NotificationTables, notificationMigrations } from './notifications.migrations';
export { notificationRoutes } from './notifications.routes';
export {
  CONSENT_MATCH_WINDOW_MS,
  type ConsentSource,
  type NotificationChannel,
  NotificationService,
  type NotificationSettingsView,
  type SubscribeAnswer,
} from './notifications.service';
export { OFFER_TOPIC, type OfferMessage, offerNotificationRoute } from './offer-route';
export { fitWechatValue, renderNotification, scrubPersonalNumbers } from './render';
export { type CitizenIdByOpenid, subscribeEventHandler } from './subscribe-events.handler';
