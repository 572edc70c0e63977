import { SmsError, type SmsProvider } from '@gcrm/connectors/sms';
import {
  subscribeFailureKind,
  WechatApiError,
  type WechatClient,
  WechatTransportError,
} from '@gcrm/connectors/wechat';
import type { DeliveryRecord, DeliveryRoute, DeliverySender, PlannedDelivery } from '../delivery';
import type { NotificationsConfig } from './notifications.config';
import type { NotificationService } from './notifications.service';
import { type RenderedNotification, renderNotification } from './render';

/** The citizen's mobile number from the case form (the sealed `x-sensitive: phone` field), if any. */
export type ContactPhone = (caseId: string) => Promise<string | undefined>;
/** The citizen's mini-program openid (identity), if they ever signed in with WeChat. */
export type OpenidOf = (citizenId: string) => Promise<string | undefined>;

export interface CitizenNotificationDeps {
  config: NotificationsConfig;
  service: NotificationService;
  /** zh-CN name of a service by its code (the catalog). */
  serviceName: (serviceCode: string) => string;
  contactPhone: ContactPhone;
  openidOf: OpenidOf;
  /** False when no SMS provider is configured: no SMS is planned (default true). */
  smsEnabled?: boolean;
}

interface CaseMessage {
  caseId: string;
  caseNumber: string;
  serviceCode: string;
  citizenId: string;
}

/** The payload of a `wechat.subscribe` delivery (the SMS part is its fallback). */
export interface WechatNotificationPayload {
  caseId: string;
  citizenId: string;
  event: string;
  wechat: RenderedNotification['wechat'];
  sms: RenderedNotification['sms'];
  miniprogramState: NotificationsConfig['miniprogramState'];
}

/**
 * The payload of an `sms` delivery: no phone number, the sender looks it up by `caseId` (the case form's
 * number) or, for what is not about a case (an offer of proactive service), by `citizenId` (the bound one).
 */
export interface SmsNotificationPayload {
  caseId?: string;
  citizenId?: string;
  event: string;
  templateCode: string;
  params: Record<string, string>;
}

/** The destinations of the two senders. */
export const WECHAT_DESTINATION = 'wechat.subscribe';
export const SMS_DESTINATION = 'sms';

function smsDelivery(base: string, orderKey: string, payload: SmsNotificationPayload): PlannedDelivery {
  return {
    destination: SMS_DESTINATION,
    key: `sms:${base}`,
    orderKey,
    payload: payload as unknown as Record<string, unknown>,
  };
}

/**
 * Citizen notifications for case events (受理, 补正, 办结 + 评价邀请): a WeChat subscribe message
 * when the citizen keeps WeChat as their channel and has a one-time consent left for the template,
 * else an SMS when the case form holds a mobile number, else nothing.
 *
 * Keys are `<channel>:<event>:<caseId>` (`…:<outbox id>` for 补正, which can happen more than once),
 * so a message routed twice plans the same deliveries, which are dropped as duplicates.
 *
 * The allowance is taken **while planning**, by {@link NotificationService.reserve} keyed by the
 * delivery key: a plan that runs again finds its own reservation and takes nothing more, and a
 * send that is retried never touches the count. Taking it at send time instead would let two retries
 * of one send (a crash after WeChat accepted, before the row was marked) take two, and would leave
 * planning blind to whether WeChat can be used at all.
 *
 * When WeChat refuses (43101: the citizen's consent is used up or withdrawn), the count is set to 0 and
 * the same event is planned as an SMS; the refused delivery is not retried.
 */
export function citizenNotificationRoute(deps: CitizenNotificationDeps): DeliveryRoute {
  const { config, service } = deps;
  return {
    name: 'citizen-notifications',
    // Offers of proactive service are not about a case: offer-route.ts carries them.
    topics: Object.keys(config.topics).filter((t) => !t.startsWith('proactive.')),
    plan: async (message) => {
      const m = message.payload as unknown as Partial<CaseMessage>;
      if (!m.caseId || !m.citizenId || !m.caseNumber) return [];
      const caseId = m.caseId;
      const citizenId = m.citizenId;
      const channel = await service.channel(citizenId);
      const openid = channel === 'wechat' ? await deps.openidOf(citizenId) : undefined;
      let phoneKnown: boolean | undefined;
      const hasPhone = async () => {
        phoneKnown ??= deps.smsEnabled !== false && Boolean(await deps.contactPhone(caseId));
        return phoneKnown;
      };
      const planned: PlannedDelivery[] = [];
      for (const eventName of config.topics[message.topic] ?? []) {
        const event = config.events[eventName];
        if (!event) continue;
        const rendered = renderNotification(config, event, {
          caseId,
          caseNumber: m.caseNumber,
          serviceName: deps.serviceName(m.serviceCode ?? ''),
          topic: message.topic,
          at: message.createdAt,
        });
        const base =
          message.topic === 'case.returned'
            ? `${eventName}:${caseId}:${message.id}`
            : `${eventName}:${caseId}`;
        const key = `wechat:${base}`;
        if (openid && (await service.reserve(citizenId, rendered.wechat.templateId, key))) {
          const payload: WechatNotificationPayload = {
            caseId,
            citizenId,
            event: eventName,
            wechat: rendered.wechat,
            sms: rendered.sms,
            miniprogramState: config.miniprogramState,
          };
          planned.push({
            destination: WECHAT_DESTINATION,
            key,
            orderKey: caseId,
            payload: payload as unknown as Record<string, unknown>,
          });
        } else if (await hasPhone()) {
          planned.push(smsDelivery(base, caseId, { caseId, event: eventName, ...rendered.sms }));
        }
      }
      return planned;
    },
    onRefused: async (delivery: DeliveryRecord) => {
      if (delivery.destination !== WECHAT_DESTINATION) return [];
      const p = delivery.payload as unknown as WechatNotificationPayload;
      await service.exhaust(p.citizenId, p.wechat.templateId);
      if (deps.smsEnabled === false || !(await deps.contactPhone(p.caseId))) return [];
      const base = delivery.key.replace(/^wechat:/, '');
      return [smsDelivery(base, delivery.orderKey, { caseId: p.caseId, event: p.event, ...p.sms })];
    },
  };
}

/** A send that cannot go to WeChat for a reason of the citizen's (no openid): fall back like 43101. */
class NoWechatRecipient extends Error {
  readonly kind = 'refused';
  constructor() {
    super('citizen has no WeChat openid');
  }
}

const BEIJING_MS = 8 * 3_600_000;
const untilNextBeijingDay = (now: number) => 86_400_000 - ((now + BEIJING_MS) % 86_400_000);

/**
 * Failure kinds of subscribe messages (platforms.md §1.3/§1.5): 43101 → `refused` (SMS instead, no
 * retry); 40003/40037/47003/41030 and configuration errcodes → `permanent`; 45011 → `rateLimited`
 * for a minute, 45009 (daily quota) → `rateLimited` until the next Beijing day; -1, transport errors
 * stale tokens and failures of our own look-ups → `retryable`.
 */
export function classifyWechatSubscribeError(
  error: unknown,
  now: () => number = Date.now,
): { kind: string; retryAfterMs?: number } {
  if (error instanceof NoWechatRecipient) return { kind: 'refused' };
  // Not WeChat's answer (our own look-ups failed): try again later.
  if (!(error instanceof WechatApiError || error instanceof WechatTransportError))
    return { kind: 'retryable' };
  const kind = subscribeFailureKind(error);
  if (kind === 'rateLimited') {
    const daily = (error as { quotaExhausted?: boolean }).quotaExhausted === true;
    return { kind, retryAfterMs: daily ? untilNextBeijingDay(now()) : 60_000 };
  }
  if (kind === 'tokenStale') return { kind: 'retryable' };
  return { kind };
}

/** Carries `wechat.subscribe` deliveries: the openid is looked up at send time. */
export function wechatSubscribeSender(
  client: Pick<WechatClient, 'sendSubscribeMessage'>,
  openidOf: OpenidOf,
): DeliverySender {
  return {
    destination: WECHAT_DESTINATION,
    classify: (error) => classifyWechatSubscribeError(error),
    send: async (delivery) => {
      const p = delivery.payload as unknown as WechatNotificationPayload;
      const touser = await openidOf(p.citizenId);
      if (!touser) throw new NoWechatRecipient();
      const sent = await client.sendSubscribeMessage({
        touser,
        templateId: p.wechat.templateId,
        page: p.wechat.page,
        data: p.wechat.data,
        miniprogramState: p.miniprogramState,
      });
      return { outcome: 'delivered', reference: sent.msgid };
    },
  };
}

/**
 * Failure kinds of SMS sends: the connector's {@link SmsError} kinds (`rateLimited` waits a minute,
 * Aliyun's per-number flow control), a case without a number → `permanent`, anything else (our own
 * look-ups failed) → `retryable`.
 */
export function classifySmsError(error: unknown): { kind: string; retryAfterMs?: number } {
  if (error instanceof NoContactPhone) return { kind: 'permanent' };
  if (error instanceof SmsError) {
    return error.kind === 'rateLimited' ? { kind: error.kind, retryAfterMs: 60_000 } : { kind: error.kind };
  }
  return { kind: 'retryable' };
}

class NoContactPhone extends Error {
  readonly kind = 'permanent';
  constructor() {
    super('case has no contact phone');
  }
}

/**
 * Carries `sms` deliveries through an {@link SmsProvider}. The number is read from the case at send
 * time (never stored in the delivery); the provider's `OutId` is the delivery key.
 */
export function smsSender(
  provider: SmsProvider,
  contactPhone: ContactPhone,
  citizenPhone?: (citizenId: string) => Promise<string | undefined>,
): DeliverySender {
  return {
    destination: SMS_DESTINATION,
    classify: (error) => classifySmsError(error),
    send: async (delivery) => {
      const p = delivery.payload as unknown as SmsNotificationPayload;
      const phone = p.caseId
        ? await contactPhone(p.caseId)
        : p.citizenId
          ? await citizenPhone?.(p.citizenId)
          : undefined;
      if (!phone) throw new NoContactPhone();
      const accepted = await provider.send({
        phone,
        templateCode: p.templateCode,
        params: p.params,
        outId: delivery.key,
      });
      return { outcome: 'delivered', reference: accepted.providerId };
    },
  };
}
