import { BadRequest } from '../../core/simulator/sandbox';
import { isValidValue, keyType } from './value-rules';

/** A template as the simulator knows it (what the console's "my templates" list would hold). */
export interface SubscribeTemplate {
  templateId: string;
  title: string;
  keys: string[];
}

/** Templates for the citizen events G-CRM sends: 受理, 补正, 办结, 评价邀请, and 服务提醒 (proactive service). */
export const DEFAULT_SUBSCRIBE_TEMPLATES: readonly SubscribeTemplate[] = [
  {
    templateId: 'sim-tpl-case-accepted',
    title: '受理通知',
    keys: ['thing1', 'character_string2', 'time3', 'thing4'],
  },
  {
    templateId: 'sim-tpl-case-correction',
    title: '补正通知',
    keys: ['thing1', 'character_string2', 'thing3', 'date4'],
  },
  {
    templateId: 'sim-tpl-case-closed',
    title: '办结通知',
    keys: ['thing1', 'character_string2', 'phrase3', 'time4'],
  },
  { templateId: 'sim-tpl-rating-invite', title: '评价邀请', keys: ['thing1', 'character_string2', 'thing3'] },
  { templateId: 'sim-tpl-service-reminder', title: '服务提醒', keys: ['thing1', 'thing2', 'time3'] },
];

/** Pages of the released version that cards may open without a sandbox registration. */
export const DEFAULT_PAGES: readonly string[] = [
  'pages/index/index',
  'pages/case/detail',
  'pages/rating/index',
];

/** One message the simulator accepted (what the citizen's WeChat would show). */
export interface DeliveredSubscribeMessage {
  msgid: number;
  touser: string;
  templateId: string;
  page: string | undefined;
  /** Key → value, unwrapped. */
  data: Record<string, string>;
  miniprogramState: string;
  lang: string;
  /** Simulator clock, ms. */
  sentAt: number;
}

const STATES = new Set(['developer', 'trial', 'formal']);
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const MAX_RECORDS = 10_000;

/** The send errcode and, for 47003, what is invalid (the real errmsg names the key). */
export type SubscribeSendResult = { msgid: number } | { errcode: number; detail?: string };

/** Templates, consents, pages, quota and delivered messages of `subscribeMessage.send` (platforms.md §1.3). */
export function createSubscribeState(opts: { now: () => number; dailyQuota: number }) {
  const templates = new Map<string, SubscribeTemplate>();
  for (const template of DEFAULT_SUBSCRIBE_TEMPLATES) templates.set(template.templateId, template);
  const pages = new Set(DEFAULT_PAGES);
  const remaining = new Map<string, number>();
  const knownOpenids = new Set<string>();
  const delivered: DeliveredSubscribeMessage[] = [];
  const quota = { day: -1, used: 0 };
  let nextMsgid = 2_000_000_000;
  const counterKey = (openid: string, templateId: string) => `${openid}\u0000${templateId}`;

  function addTemplate(input: unknown): SubscribeTemplate {
    const raw = (input ?? {}) as Record<string, unknown>;
    const { templateId, keys, title } = raw;
    if (typeof templateId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(templateId)) {
      throw new BadRequest('templateId must be 1-64 characters of A-Z a-z 0-9 _ -');
    }
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > 20) {
      throw new BadRequest('keys must be a non-empty array (at most 20)');
    }
    for (const key of keys) {
      if (typeof key !== 'string' || keyType(key) === undefined) {
        throw new BadRequest('every key must be <type><n> with a known type, e.g. thing1');
      }
    }
    if (title !== undefined && typeof title !== 'string') throw new BadRequest('title must be a string');
    const template = { templateId, title: (title as string | undefined) ?? templateId, keys: [...keys] };
    templates.set(templateId, template);
    return template;
  }

  function addSubscription(input: unknown): { openid: string; templateId: string; remaining: number } {
    const raw = (input ?? {}) as Record<string, unknown>;
    const { openid, templateId } = raw;
    const count = raw.count ?? 1;
    if (typeof openid !== 'string' || openid === '' || openid.length > 128) {
      throw new BadRequest('openid must be a non-empty string');
    }
    if (typeof templateId !== 'string' || !templates.has(templateId)) {
      throw new BadRequest('templateId must be a registered template');
    }
    if (!Number.isSafeInteger(count) || (count as number) < 0 || (count as number) > 1000) {
      throw new BadRequest('count must be an integer 0..1000');
    }
    knownOpenids.add(openid);
    const key = counterKey(openid, templateId);
    const total = (remaining.get(key) ?? 0) + (count as number);
    remaining.set(key, total);
    return { openid, templateId, remaining: total };
  }

  function addPages(input: unknown): { pages: string[] } {
    const list = ((input ?? {}) as Record<string, unknown>).pages;
    if (
      !Array.isArray(list) ||
      list.some((page) => typeof page !== 'string' || page === '' || page.length > 256)
    ) {
      throw new BadRequest('pages must be an array of non-empty strings');
    }
    for (const page of list as string[]) pages.add(page.replace(/^\//, ''));
    return { pages: [...pages] };
  }

  function takeQuota(): boolean {
    const day = Math.floor((opts.now() + BEIJING_OFFSET_MS) / 86_400_000);
    if (day !== quota.day) {
      quota.day = day;
      quota.used = 0;
    }
    if (quota.used >= opts.dailyQuota) return false;
    quota.used += 1;
    return true;
  }

  /** `POST /cgi-bin/message/subscribe/send` once the token is accepted. */
  function send(body: Record<string, unknown>): SubscribeSendResult {
    const { touser, template_id: templateId, page, data } = body;
    if (typeof touser !== 'string' || !knownOpenids.has(touser)) return { errcode: 40003 };
    const template = typeof templateId === 'string' ? templates.get(templateId) : undefined;
    if (!template) return { errcode: 40037 };
    let pagePath: string | undefined;
    if (page !== undefined && page !== '') {
      if (typeof page !== 'string') return { errcode: 41030 };
      pagePath = page;
      if (!pages.has(page.split('?')[0]!.replace(/^\//, ''))) return { errcode: 41030 };
    }
    const state = body.miniprogram_state ?? 'formal';
    if (typeof state !== 'string' || !STATES.has(state))
      return { errcode: 47003, detail: 'miniprogram_state' };
    const lang = body.lang ?? 'zh_CN';
    if (typeof lang !== 'string' || !LANGS.has(lang)) return { errcode: 47003, detail: 'lang' };
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return { errcode: 47003, detail: 'data' };
    const values: Record<string, string> = {};
    for (const key of template.keys) {
      const entry = (data as Record<string, unknown>)[key];
      const value =
        typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).value : undefined;
      if (!isValidValue(key, value)) return { errcode: 47003, detail: `data.${key}.value` };
      values[key] = value as string;
    }
    const key = counterKey(touser, template.templateId);
    const left = remaining.get(key) ?? 0;
    if (left <= 0) return { errcode: 43101 };
    if (!takeQuota()) return { errcode: 45009 };
    remaining.set(key, left - 1);
    nextMsgid += 1;
    delivered.push({
      msgid: nextMsgid,
      touser,
      templateId: template.templateId,
      page: pagePath,
      data: values,
      miniprogramState: state,
      lang,
      sentAt: opts.now(),
    });
    if (delivered.length > MAX_RECORDS) delivered.shift();
    return { msgid: nextMsgid };
  }

  return {
    addTemplate,
    listTemplates: () => [...templates.values()],
    addSubscription,
    remaining: (openid: string, templateId: string) => remaining.get(counterKey(openid, templateId)) ?? 0,
    /** Openids the app knows (a login code or a consent was minted for them). */
    knowOpenid: (openid: string) => knownOpenids.add(openid),
    addPages,
    send,
    delivered: (touser?: string) =>
      delivered.filter((message) => touser === undefined || message.touser === touser).map((m) => ({ ...m })),
  };
}

export type SubscribeState = ReturnType<typeof createSubscribeState>;
