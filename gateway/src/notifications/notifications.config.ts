import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One citizen event (受理, 补正, 办结, 评价邀请) and how it reads on each channel. */
export interface NotificationEvent {
  /** zh-CN name shown in the citizen's settings, e.g. `受理通知`. */
  title: string;
  wechat: {
    templateId: string;
    /** Template key (`thing1`, `time3`, …) → text with placeholders. */
    data: Record<string, string>;
    /** Page opened from the card; default {@link NotificationsConfig.page}. */
    page?: string;
  };
  sms: {
    templateCode: string;
    /** Template variable → text with placeholders. */
    params: Record<string, string>;
  };
}

/**
 * config/notifications.json. Placeholders in texts: `{serviceName}`, `{caseNumber}`, `{caseId}`
 * (page only), `{time}` (Beijing `YYYY-MM-DD HH:mm`), `{date}` (`YYYY年M月D日`) and the keys of
 * `results[topic]` (e.g. `{resultPhrase}`).
 */
export interface NotificationsConfig {
  /** Default page of subscribe-message cards, e.g. `pages/cases/detail?id={caseId}`. */
  page: string;
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** Outbox topic → the events sent for it, in order (办结 before 评价邀请). */
  topics: Record<string, string[]>;
  /** Outbox topic → extra placeholder values (the result of a closed case). */
  results: Record<string, Record<string, string>>;
  events: Record<string, NotificationEvent>;
  /**
   * The SMS verification code of phone binding (绑定手机号): an Aliyun 验证码 template whose params may
   * use `{code}` (the 6-digit code). Absent: phone binding uses its default (`SMS_VERIFY_CODE`).
   */
  verification?: { sms: { templateCode: string; params: Record<string, string> } };
}

export const DEFAULT_NOTIFICATIONS_FILE = fileURLToPath(
  new URL('../../../config/notifications.json', import.meta.url),
);

const KEY_TYPES = [
  'character_string',
  'phone_number',
  'car_number',
  'thing',
  'number',
  'letter',
  'symbol',
  'time',
  'date',
  'amount',
  'name',
  'phrase',
] as const;

/** The value type of a template key (`thing1` → `thing`), by its prefix (platforms.md §1.3). */
export function wechatKeyType(key: string): string | undefined {
  const type = KEY_TYPES.find((prefix) => key.startsWith(prefix));
  return type && /^[1-9][0-9]{0,2}$/.test(key.slice(type.length)) ? type : undefined;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isTextMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isText);

/** Checks a parsed config; throws one message naming every bad entry. */
export function parseNotificationsConfig(raw: unknown, where = 'notifications'): NotificationsConfig {
  const problems: string[] = [];
  const doc = (raw ?? {}) as Record<string, unknown>;
  const page = isText(doc.page) ? doc.page : 'pages/cases/detail?id={caseId}';
  const state = doc.miniprogramState ?? 'formal';
  if (state !== 'developer' && state !== 'trial' && state !== 'formal') {
    problems.push('miniprogramState: 应为 developer、trial 或 formal');
  }
  const events: Record<string, NotificationEvent> = {};
  const templateIds = new Set<string>();
  for (const [name, value] of Object.entries((doc.events ?? {}) as Record<string, unknown>)) {
    const e = value as Partial<NotificationEvent> | undefined;
    if (!isText(e?.title)) problems.push(`events.${name}.title: 缺少`);
    if (!isText(e?.wechat?.templateId) || !isTextMap(e?.wechat?.data)) {
      problems.push(`events.${name}.wechat: 需要 templateId 和 data`);
    } else {
      if (templateIds.has(e.wechat.templateId)) problems.push(`events.${name}.wechat.templateId: 重复`);
      templateIds.add(e.wechat.templateId);
      for (const key of Object.keys(e.wechat.data)) {
        if (!wechatKeyType(key)) problems.push(`events.${name}.wechat.data.${key}: 未知的模板字段类型`);
      }
    }
    if (!isText(e?.sms?.templateCode) || !isTextMap(e?.sms?.params)) {
      problems.push(`events.${name}.sms: 需要 templateCode 和 params`);
    }
    events[name] = e as NotificationEvent;
  }
  const topics: Record<string, string[]> = {};
  for (const [topic, list] of Object.entries((doc.topics ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string' || !events[n])) {
      problems.push(`topics.${topic}: 应为已定义事件名的数组`);
      continue;
    }
    topics[topic] = list as string[];
  }
  const results: Record<string, Record<string, string>> = {};
  for (const [topic, values] of Object.entries((doc.results ?? {}) as Record<string, unknown>)) {
    if (!isTextMap(values)) problems.push(`results.${topic}: 应为文本映射`);
    else results[topic] = values;
  }
  let verification: NotificationsConfig['verification'];
  if (doc.verification !== undefined) {
    const sms = (doc.verification as { sms?: { templateCode?: unknown; params?: unknown } } | null)?.sms;
    if (!isText(sms?.templateCode) || !isTextMap(sms?.params)) {
      problems.push('verification.sms: 需要 templateCode 和 params');
    } else if (!Object.values(sms.params).some((v) => v.includes('{code}'))) {
      problems.push('verification.sms.params: 需要包含 {code}');
    } else {
      verification = { sms: { templateCode: sms.templateCode, params: sms.params } };
    }
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return {
    ...(verification ? { verification } : {}),
    page,
    miniprogramState: state as NotificationsConfig['miniprogramState'],
    topics,
    results,
    events,
  };
}

/** Reads config/notifications.json (or `file`). */
export function loadNotificationsConfig(file = DEFAULT_NOTIFICATIONS_FILE): NotificationsConfig {
  return parseNotificationsConfig(JSON.parse(readFileSync(file, 'utf8')), file);
}
