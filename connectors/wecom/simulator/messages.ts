import { randomBytes } from 'node:crypto';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import type { WecomOrgFixture } from './org';
import type { WireResult } from './state';

/** One message as one member received it (what `GET /__sandbox/messages` answers). */
export interface DeliveredMessage {
  msgid: string;
  agentid: number;
  touser: string;
  msgtype: string;
  /** The msgtype body as delivered (after WeCom's documented truncation). */
  content: Record<string, unknown>;
  /** Simulator clock, ms. */
  at: number;
  /** Some field was longer than path/90236 allows and was cut, as WeCom does. */
  truncated: boolean;
}

/** A delivery WeCom accepted (errcode 0) but silently dropped: per-member rate limit (§3.3). */
export interface DroppedMessage {
  msgid: string;
  touser: string;
  at: number;
  reason: 'member_rate_limit';
}

export interface MessageLimits {
  /** Per member, per app: 30 messages a minute (platforms.md §3.3). */
  perMemberPerMinute: number;
  /** Per member, per app: 1000 messages an hour (platforms.md §3.3). */
  perMemberPerHour: number;
}

export interface MessageBoxOptions {
  agentId: number;
  now: () => number;
  org: () => WecomOrgFixture;
  /** tagid → userids; ids not here answer as `invalidtag`. */
  tags: Record<string, string[]>;
  /** Members without a licence: listed as `unlicenseduser`, nothing delivered. */
  unlicensedUserIds: string[];
  limits: MessageLimits;
}

const MAX_TOUSER = 1000;
const MAX_TOPARTY = 100;
const MAX_TOTAG = 100;
const MAX_DUPLICATE_INTERVAL_S = 4 * 3600;
const DEFAULT_DUPLICATE_INTERVAL_S = 1800;
const SIMULATED_MSGTYPES = new Set(['text', 'textcard', 'news', 'markdown']);

/** Cut a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutBytes(value: string, maxBytes: number): { value: string; cut: boolean } {
  if (Buffer.byteLength(value, 'utf8') <= maxBytes) return { value, cut: false };
  let out = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return { value: out, cut: true };
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';
const bytes = (value: string) => Buffer.byteLength(value, 'utf8');

/**
 * The msgtype body as WeCom would deliver it, or the errcode refusing it. Limits from path/90236:
 * text ≤2048 bytes and textcard/news title ≤128, description ≤512, btntxt ≤4 characters are cut;
 * markdown ≤2048 bytes and url ≤2048 bytes are refused. Errcodes from the path/90313 table
 * (via go-workwx errcodes): 44004 empty content, 41016 no title, 41033 no description, 45002 content
 * too large, 45008 article count, 40058 other bad parameters.
 */
export function checkContent(
  msgtype: string,
  raw: unknown,
): { content: Record<string, unknown>; truncated: boolean } | number {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return msgtype === 'text' ? 44004 : 40058;
  }
  const body = raw as Record<string, unknown>;
  let truncated = false;
  const cut = (value: string, max: number) => {
    const r = cutBytes(value, max);
    truncated ||= r.cut;
    return r.value;
  };
  switch (msgtype) {
    case 'text': {
      if (!nonEmpty(body.content)) return 44004;
      return { content: { content: cut(body.content, 2048) }, truncated };
    }
    case 'markdown': {
      if (!nonEmpty(body.content)) return 44004;
      if (bytes(body.content) > 2048) return 45002;
      return { content: { content: body.content }, truncated };
    }
    case 'textcard': {
      if (!nonEmpty(body.title)) return 41016;
      if (!nonEmpty(body.description)) return 41033;
      if (!nonEmpty(body.url) || bytes(body.url) > 2048) return 40058;
      const content: Record<string, unknown> = {
        title: cut(body.title, 128),
        description: cut(body.description, 512),
        url: body.url,
      };
      if (body.btntxt !== undefined) {
        if (typeof body.btntxt !== 'string') return 40058;
        const chars = [...body.btntxt];
        truncated ||= chars.length > 4;
        content.btntxt = chars.slice(0, 4).join('');
      }
      return { content, truncated };
    }
    case 'news': {
      const articles = body.articles;
      if (!Array.isArray(articles) || articles.length < 1 || articles.length > 8) return 45008;
      const out: Record<string, unknown>[] = [];
      for (const article of articles) {
        if (typeof article !== 'object' || article === null) return 40058;
        const a = article as Record<string, unknown>;
        if (!nonEmpty(a.title)) return 41016;
        const hasUrl = nonEmpty(a.url);
        if (!hasUrl && !(nonEmpty(a.appid) && nonEmpty(a.pagepath))) return 40058;
        if (hasUrl && bytes(a.url as string) > 2048) return 40058;
        const item: Record<string, unknown> = { title: cut(a.title, 128) };
        if (typeof a.description === 'string') item.description = cut(a.description, 512);
        for (const key of ['url', 'picurl', 'appid', 'pagepath'] as const) {
          if (typeof a[key] === 'string') item[key] = a[key];
        }
        out.push(item);
      }
      return { content: { articles: out }, truncated };
    }
    default:
      return 40008;
  }
}

function ids(value: unknown): string[] | null {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string') return null;
  return [...new Set(value.split('|').map((id) => id.trim()))].filter((id) => id !== '');
}

/** `message/send` of one simulated app: validation, recipients, duplicate check, per-member limits. */
export function createMessageBox(opts: MessageBoxOptions) {
  const delivered: DeliveredMessage[] = [];
  const dropped: DroppedMessage[] = [];
  const lastSent = new Map<string, number>(); // duplicate-check key → when
  let suppressed = 0;
  const perMinute = createSlidingWindow(opts.limits.perMemberPerMinute, 60_000, opts.now);
  const perHour = createSlidingWindow(opts.limits.perMemberPerHour, 3_600_000, opts.now);
  const unlicensed = new Set(opts.unlicensedUserIds);

  function partyMembers(org: WecomOrgFixture, rootId: number): string[] {
    const subtree = new Set([rootId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of org.departments) {
        if (!subtree.has(d.id) && subtree.has(d.parentId)) {
          subtree.add(d.id);
          grew = true;
        }
      }
    }
    return org.users.filter((u) => u.departments.some((id) => subtree.has(id))).map((u) => u.userid);
  }

  return {
    /** POST /cgi-bin/message/send (token already checked). */
    send(body: Record<string, unknown>): WireResult {
      if (body.agentid === undefined || body.agentid === null || body.agentid === '') return 41011;
      // Only a number or a numeric string is an agentid (an object must not reach Number(): it may throw).
      const agentid =
        typeof body.agentid === 'number' || typeof body.agentid === 'string'
          ? Number(body.agentid)
          : Number.NaN;
      if (agentid !== opts.agentId) return 40056;
      const msgtype = body.msgtype;
      if (typeof msgtype !== 'string' || !SIMULATED_MSGTYPES.has(msgtype)) return 40008;
      const touser = ids(body.touser);
      const toparty = ids(body.toparty);
      const totag = ids(body.totag);
      if (touser === null || toparty === null || totag === null) return 40058;
      if (touser.length + toparty.length + totag.length === 0) return 82001;
      if (touser.length > MAX_TOUSER) return 40031;
      if (toparty.length > MAX_TOPARTY) return 82002;
      if (totag.length > MAX_TOTAG) return 82003;
      const checked = checkContent(msgtype, body[msgtype]);
      if (typeof checked === 'number') return checked;
      const dupCheck = body.enable_duplicate_check === 1 || body.enable_duplicate_check === '1';
      const interval = body.duplicate_check_interval ?? DEFAULT_DUPLICATE_INTERVAL_S;
      if (
        typeof interval !== 'number' ||
        !Number.isInteger(interval) ||
        interval < 1 ||
        interval > MAX_DUPLICATE_INTERVAL_S
      ) {
        return 40058;
      }

      const org = opts.org();
      const known = new Set(org.users.map((u) => u.userid));
      const invaliduser: string[] = [];
      const invalidparty: string[] = [];
      const invalidtag: string[] = [];
      const recipients = new Set<string>();
      for (const id of touser) {
        if (id === '@all') for (const u of known) recipients.add(u);
        else if (known.has(id)) recipients.add(id);
        else invaliduser.push(id);
      }
      for (const id of toparty) {
        const dept = /^\d{1,10}$/.test(id) ? org.departments.find((d) => d.id === Number(id)) : undefined;
        if (!dept) invalidparty.push(id);
        else for (const u of partyMembers(org, dept.id)) recipients.add(u);
      }
      for (const id of totag) {
        const members = Object.hasOwn(opts.tags, id) ? opts.tags[id] : undefined;
        if (!members) invalidtag.push(id);
        else for (const u of members) if (known.has(u)) recipients.add(u);
      }
      const lists = {
        invaliduser: invaliduser.join('|'),
        invalidparty: invalidparty.join('|'),
        invalidtag: invalidtag.join('|'),
      };
      const validIds = touser.length + toparty.length + totag.length;
      if (invaliduser.length + invalidparty.length + invalidtag.length === validIds) {
        return { errcode: 81013, body: { ...lists, unlicenseduser: '' } };
      }
      const unlicensedHit = [...recipients].filter((u) => unlicensed.has(u));
      const msgid = randomBytes(24).toString('base64url');
      const answer = { ...lists, unlicenseduser: unlicensedHit.join('|'), msgid };

      const at = opts.now();
      const dupKey = JSON.stringify([msgtype, checked.content, touser, toparty, totag]);
      const previous = lastSent.get(dupKey);
      if (dupCheck && previous !== undefined && at - previous < interval * 1000) {
        suppressed += 1;
        return { body: answer };
      }
      lastSent.set(dupKey, at);
      for (const userid of recipients) {
        if (unlicensed.has(userid)) continue;
        if (!perMinute.take(userid) || !perHour.take(userid)) {
          dropped.push({ msgid, touser: userid, at, reason: 'member_rate_limit' });
          continue;
        }
        delivered.push({
          msgid,
          agentid: opts.agentId,
          touser: userid,
          msgtype,
          content: structuredClone(checked.content),
          at,
          truncated: checked.truncated,
        });
      }
      return { body: answer };
    },

    /** Delivered messages (to `touser` when given), dropped deliveries and the duplicate count. */
    list(touser?: string | null) {
      const mine = <T extends { touser: string }>(items: T[]) =>
        touser ? items.filter((m) => m.touser === touser) : items;
      return {
        messages: structuredClone(mine(delivered)),
        dropped: structuredClone(mine(dropped)),
        duplicatesSuppressed: suppressed,
      };
    },

    clear(): void {
      delivered.length = 0;
      dropped.length = 0;
      lastSent.clear();
      suppressed = 0;
    },
  };
}

export type MessageBox = ReturnType<typeof createMessageBox>;
