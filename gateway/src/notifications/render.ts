import { type NotificationEvent, type NotificationsConfig, wechatKeyType } from './notifications.config';

/** What a case message offers to the texts of a notification. */
export interface RenderInput {
  caseId: string;
  caseNumber: string;
  serviceName: string;
  topic: string;
  /** When the event happened (ms). */
  at: number;
  /** More placeholder values (an offer's `{policyTitle}`, `{offerMessage}`). */
  extra?: Record<string, string>;
}

export interface RenderedNotification {
  wechat: { templateId: string; page: string; data: Record<string, string> };
  sms: { templateCode: string; params: Record<string, string> };
}

const BEIJING_MS = 8 * 3_600_000;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g;
const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

/** Replaces mainland mobile and resident ID numbers with `*`: no notification ever carries one. */
export function scrubPersonalNumbers(text: string): string {
  return text.replace(RESIDENT_ID, '*').replace(MOBILE, '*');
}

function beijing(at: number) {
  const d = new Date(at + BEIJING_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    time: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    date: `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`,
  };
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

const CONTROL = /\p{Cc}+/gu;
const cut = (value: string, max: number) => {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
};

/**
 * A value that passes WeChat's rule for the key's type (platforms.md §1.3), or a safe stand-in:
 * `thing` is cut to 20 characters, `phrase` falls back to `已更新`, `character_string` keeps its
 * first 32 printable ASCII characters. Control characters are dropped everywhere.
 */
export function fitWechatValue(key: string, raw: string): string {
  const value = scrubPersonalNumbers(raw.replace(CONTROL, ' ').trim()) || '-';
  switch (wechatKeyType(key)) {
    case 'thing':
      return cut(value, 20);
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value) ? value : '已更新';
    case 'character_string':
      return value.replace(/[^\x21-\x7e]/g, '').slice(0, 32) || '-';
    case 'name':
      return /^\p{Script=Han}+$/u.test(value) ? cut(value, 10) : cut(value, 20);
    case 'symbol':
      return cut(value, 5);
    case 'car_number':
      return cut(value, 8);
    default:
      return value;
  }
}

/** The texts of `event` for one case message, on both channels. */
export function renderNotification(
  config: NotificationsConfig,
  event: NotificationEvent,
  input: RenderInput,
): RenderedNotification {
  const values: Record<string, string> = {
    serviceName: input.serviceName,
    caseNumber: input.caseNumber,
    caseId: input.caseId,
    ...beijing(input.at),
    ...(config.results[input.topic] ?? {}),
    ...(input.extra ?? {}),
  };
  const data: Record<string, string> = {};
  for (const [key, text] of Object.entries(event.wechat.data))
    data[key] = fitWechatValue(key, fill(text, values));
  const params: Record<string, string> = {};
  for (const [key, text] of Object.entries(event.sms.params)) {
    params[key] = cut(scrubPersonalNumbers(fill(text, values).replace(CONTROL, ' ')), 35);
  }
  return {
    wechat: {
      templateId: event.wechat.templateId,
      page: fill(event.wechat.page ?? config.page, { caseId: encodeURIComponent(input.caseId) }),
      data,
    },
    sms: { templateCode: event.sms.templateCode, params },
  };
}
