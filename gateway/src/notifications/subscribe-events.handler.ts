import { parseSubscribeEvent } from '@gcrm/connectors/wechat';
import { type InboxHandler, PermanentInboxError } from '../callbacks/inbox-handlers';
import type { NotificationService } from './notifications.service';

/** The citizen of a mini-program openid (identity), if they ever signed in. */
export type CitizenIdByOpenid = (openid: string) => Promise<string | undefined>;

/**
 * Applies WeChat's subscribe push events (`subscribe_msg_popup_event`, `subscribe_msg_change_event`,
 * `subscribe_msg_sent_event`) to the citizen's consents, once per inbox row:
 * - popup: `accept` adds one allowance (unless the mini-program already reported the same dialog),
 *   other answers are recorded;
 * - change (the settings page): `accept` adds one, anything else leaves nothing to spend;
 * - sent: nothing to change (our delivery row already holds the result).
 * Events of unknown openids or templates are ignored; a payload that is no subscribe event is dead at once.
 *
 * @example
 * const onSubscribe = subscribeEventHandler(notifications, (openid) => identity.citizenIdByOpenid(appId, openid));
 * handlers.on('wechat', 'subscribe_msg_popup_event', onSubscribe)
 *   .on('wechat', 'subscribe_msg_change_event', onSubscribe)
 *   .on('wechat', 'subscribe_msg_sent_event', onSubscribe);
 */
export function subscribeEventHandler(
  service: NotificationService,
  citizenIdByOpenid: CitizenIdByOpenid,
): InboxHandler {
  return async function onSubscribeEvent(event) {
    const parsed = parseSubscribeEvent(event.payload);
    if (!parsed) throw new PermanentInboxError('bad_payload');
    if (parsed.kind === 'sent') return;
    const citizenId = await citizenIdByOpenid(parsed.openid);
    if (!citizenId) return;
    for (const entry of parsed.entries) {
      if (!entry.subscribeStatus || !service.isKnownTemplate(entry.templateId)) continue;
      await service.recordConsent(citizenId, entry.templateId, entry.subscribeStatus, {
        kind: 'push',
        eventId: event.id,
        popup: parsed.kind === 'popup',
      });
    }
  };
}
