import type { DeliveryRecord, DeliveryRoute, PlannedDelivery } from '../delivery';
import {
  type OpenidOf,
  SMS_DESTINATION,
  type SmsNotificationPayload,
  WECHAT_DESTINATION,
} from './citizen-route';
import type { NotificationsConfig } from './notifications.config';
import type { NotificationService } from './notifications.service';
import { renderNotification } from './render';

/** The outbox topic of an offer of proactive service (政策找人) or a 免申即享 grant. */
export const OFFER_TOPIC = 'proactive.offered';

/** What an offer message carries: ids and zh-CN texts, never an ID or phone number. */
export interface OfferMessage {
  offerId: string;
  citizenId: string;
  policyTitle: string;
  offerMessage: string;
  /** `sms`: not by WeChat even while a consent is left (chosen by the notification rule set). */
  channel?: 'wechat' | 'sms';
}

interface OfferWechatPayload {
  offerId: string;
  citizenId: string;
  event: string;
  wechat: { templateId: string; page: string; data: Record<string, string> };
  sms: { templateCode: string; params: Record<string, string> };
  miniprogramState: NotificationsConfig['miniprogramState'];
}

export interface OfferNotificationDeps {
  config: NotificationsConfig;
  service: NotificationService;
  openidOf: OpenidOf;
  /** The citizen's bound (proved) mobile number, if any. */
  citizenPhone: (citizenId: string) => Promise<string | undefined>;
  smsEnabled?: boolean;
}

/**
 * Tells a citizen of an offer (config/notifications.json `topics["proactive.offered"]`): a WeChat subscribe
 * message while they keep WeChat and have a consent left for the template, else an SMS to their bound
 * number, else nothing (the offer waits on their home page). Keys are `<channel>:<event>:<offerId>`.
 */
export function offerNotificationRoute(deps: OfferNotificationDeps): DeliveryRoute {
  const { config, service } = deps;
  const sms = (
    base: string,
    m: { offerId: string; citizenId: string },
    event: string,
    s: OfferWechatPayload['sms'],
  ) =>
    ({
      destination: SMS_DESTINATION,
      key: `sms:${base}`,
      orderKey: m.offerId,
      payload: { citizenId: m.citizenId, event, ...s } satisfies SmsNotificationPayload as unknown as Record<
        string,
        unknown
      >,
    }) satisfies PlannedDelivery;
  const hasPhone = async (citizenId: string) =>
    deps.smsEnabled !== false && Boolean(await deps.citizenPhone(citizenId));
  return {
    name: 'citizen-offers',
    topics: [OFFER_TOPIC],
    plan: async (message) => {
      const m = message.payload as unknown as Partial<OfferMessage>;
      if (!m.offerId || !m.citizenId) return [];
      const offer = { offerId: m.offerId, citizenId: m.citizenId };
      const channel = m.channel === 'sms' ? 'sms' : await service.channel(m.citizenId);
      const openid = channel === 'wechat' ? await deps.openidOf(m.citizenId) : undefined;
      const planned: PlannedDelivery[] = [];
      for (const eventName of config.topics[message.topic] ?? []) {
        const event = config.events[eventName];
        if (!event) continue;
        const rendered = renderNotification(config, event, {
          caseId: '',
          caseNumber: '',
          serviceName: m.policyTitle ?? '',
          topic: message.topic,
          at: message.createdAt,
          extra: { policyTitle: m.policyTitle ?? '', offerMessage: m.offerMessage ?? '' },
        });
        const base = `${eventName}:${m.offerId}`;
        if (openid && (await service.reserve(m.citizenId, rendered.wechat.templateId, `wechat:${base}`))) {
          const payload: OfferWechatPayload = {
            ...offer,
            event: eventName,
            wechat: rendered.wechat,
            sms: rendered.sms,
            miniprogramState: config.miniprogramState,
          };
          planned.push({
            destination: WECHAT_DESTINATION,
            key: `wechat:${base}`,
            orderKey: m.offerId,
            payload: payload as unknown as Record<string, unknown>,
          });
        } else if (await hasPhone(m.citizenId)) {
          planned.push(sms(base, offer, eventName, rendered.sms));
        }
      }
      return planned;
    },
    onRefused: async (delivery: DeliveryRecord) => {
      if (delivery.destination !== WECHAT_DESTINATION) return [];
      const p = delivery.payload as unknown as OfferWechatPayload;
      await service.exhaust(p.citizenId, p.wechat.templateId);
      if (!(await hasPhone(p.citizenId))) return [];
      return [sms(delivery.key.replace(/^wechat:/, ''), p, p.event, p.sms)];
    },
  };
}
