import { randomBytes } from 'node:crypto';
import {
  DEMO_DINGTALK_ORG,
  type DingtalkOrgFixture,
  type DingtalkOrgUser,
  parseOrg,
  ROOT_DEPT_ID,
} from './org';

/** A wire error: `{errcode, sub_code?}` answered with HTTP 200. */
export interface WireError {
  errcode: number;
  subCode?: string;
}
/** Either a success body (errcode 0 is added by the server) or a wire error. */
export type WireResult = { body: Record<string, unknown> } | WireError;

export interface DingtalkStateOptions {
  appKey: string;
  appSecret: string;
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  org?: DingtalkOrgFixture;
}

/** Invalid, expired or missing token: errcode 88 with sub_code 40014 (platforms.md §2.1). */
const BAD_TOKEN: WireError = { errcode: 88, subCode: '40014' };
/** A required parameter is blank: errcode 88 with sub_code 40000 (platforms.md §2.1). */
const BLANK_PARAM: WireError = { errcode: 88, subCode: '40000' };
const INVALID_PARAM: WireError = { errcode: 400002 };
const NO_DEPT: WireError = { errcode: 60003 };
const NO_USER: WireError = { errcode: 60121 };
const MAX_PAGE_SIZE = 100;

const ok = (body: Record<string, unknown>): WireResult => ({ body });
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Tokens, auth codes, the org and the clock of one simulated DingTalk app. */
export function createDingtalkState(opts: DingtalkStateOptions) {
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  let token: { value: string; expiresAt: number } | null = null;
  const codes = new Map<string, { userid: string; issuedAt: number; used: boolean }>();
  const initial = parseOrg(opts.org ?? DEMO_DINGTALK_ORG);
  if (typeof initial === 'string') throw new Error(`invalid org fixture: ${initial}`);
  let current: DingtalkOrgFixture = initial;

  const dept = (id: number) => current.departments.find((d) => d.deptId === id);
  const user = (id: string) => current.users.find((u) => u.userid === id);
  const byOrder = (a: { order?: number; deptId: number }, b: { order?: number; deptId: number }) =>
    (a.order ?? 0) - (b.order ?? 0) || a.deptId - b.deptId;
  const leads = (u: DingtalkOrgUser, deptId: number) =>
    dept(deptId)?.managerUserids?.includes(u.userid) === true;

  function userWire(u: DingtalkOrgUser): Record<string, unknown> {
    const wire: Record<string, unknown> = {
      userid: u.userid,
      unionid: u.unionid,
      name: u.name,
      dept_id_list: u.deptIds,
      admin: u.admin ?? false,
      boss: u.boss ?? false,
      active: u.active ?? true,
    };
    if (u.title !== undefined) wire.title = u.title;
    if (u.mobile !== undefined) wire.mobile = u.mobile;
    return wire;
  }

  return {
    now,

    /** The members of the org (read-only view for the todo, notification and approval stores). */
    users(): readonly DingtalkOrgUser[] {
      return current.users;
    },

    /** Userids of the members of `deptId` and of every department below it; null for an unknown one. */
    deptMemberIds(deptId: number): string[] | null {
      if (!dept(deptId)) return null;
      const ids = new Set([deptId]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const d of current.departments) {
          if (d.parentId !== undefined && ids.has(d.parentId) && !ids.has(d.deptId)) {
            ids.add(d.deptId);
            grew = true;
          }
        }
      }
      return current.users.filter((u) => u.deptIds.some((id) => ids.has(id))).map((u) => u.userid);
    },

    advanceClock(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new RangeError('seconds must be a finite number >= 0');
      clockOffsetMs += seconds * 1000;
    },

    getOrg(): DingtalkOrgFixture {
      return structuredClone(current);
    },

    /** Replace the org (validated); throws with the reason when invalid. */
    setOrg(input: unknown): void {
      const parsed = parseOrg(input);
      if (typeof parsed === 'string') throw new Error(`invalid org fixture: ${parsed}`);
      current = parsed;
    },

    /** Throws when `userid` is not in the org: a code can only be minted for a member. */
    mintAuthCode(userid: string): string {
      if (!user(userid)) throw new Error(`no user ${userid} in the simulated org`);
      const code = randomBytes(16).toString('hex');
      codes.set(code, { userid, issuedAt: now(), used: false });
      return code;
    },

    /** Invalidate the current token at once (as an app secret reset would). */
    revokeAccessToken(): void {
      token = null;
    },

    /** 0 when `value` is the current, unexpired token. */
    checkAccessToken(value: string | null): 0 | WireError {
      if (value === null || token === null || value !== token.value || token.expiresAt <= now())
        return BAD_TOKEN;
      return 0;
    },

    /** GET /gettoken: while valid, the same token with its validity renewed (platforms.md §2.2). */
    gettoken(appkey: string | null, appsecret: string | null): WireResult {
      if (appkey !== opts.appKey || appsecret !== opts.appSecret) return { errcode: 40096 };
      if (token === null || token.expiresAt <= now())
        token = { value: randomBytes(16).toString('hex'), expiresAt: 0 };
      token.expiresAt = now() + opts.tokenTtlSeconds * 1000;
      return ok({ access_token: token.value, expires_in: opts.tokenTtlSeconds });
    },

    /** POST /topapi/v2/user/getuserinfo: codes are single-use and expire (40078 either way). */
    getuserinfo(b: Record<string, unknown>): WireResult {
      if (typeof b.code !== 'string' || b.code === '') return BLANK_PARAM;
      const code = codes.get(b.code);
      if (!code || code.used || now() - code.issuedAt > opts.codeTtlSeconds * 1000) return { errcode: 40078 };
      code.used = true;
      const u = user(code.userid);
      if (!u) return NO_USER;
      const sysLevel = u.sysLevel ?? 0;
      return ok({
        result: {
          userid: u.userid,
          unionid: u.unionid,
          name: u.name,
          device_id: b.code.slice(0, 16),
          sys: sysLevel === 1 || sysLevel === 2,
          sys_level: sysLevel,
          associated_unionid: '',
        },
      });
    },

    userGet(b: Record<string, unknown>): WireResult {
      if (typeof b.userid !== 'string' || b.userid === '') return BLANK_PARAM;
      const u = user(b.userid);
      if (!u) return NO_USER;
      const result = userWire(u);
      if (u.managerUserid !== undefined) result.manager_userid = u.managerUserid;
      result.leader_in_dept = u.deptIds.map((id) => ({ dept_id: id, leader: leads(u, id) }));
      return ok({ result });
    },

    deptListsub(b: Record<string, unknown>): WireResult {
      const id = b.dept_id ?? ROOT_DEPT_ID;
      if (!isId(id)) return INVALID_PARAM;
      if (!dept(id)) return NO_DEPT;
      const children = current.departments.filter((d) => d.parentId === id).sort(byOrder);
      return ok({
        result: children.map((d) => ({
          dept_id: d.deptId,
          name: d.name,
          parent_id: d.parentId,
          create_dept_group: false,
          auto_add_user: false,
        })),
      });
    },

    deptGet(b: Record<string, unknown>): WireResult {
      if (b.dept_id === undefined || b.dept_id === null || b.dept_id === '') return BLANK_PARAM;
      if (!isId(b.dept_id)) return INVALID_PARAM;
      const d = dept(b.dept_id);
      if (!d) return NO_DEPT;
      const result: Record<string, unknown> = {
        dept_id: d.deptId,
        name: d.name,
        order: d.order ?? 0,
        dept_manager_userid_list: d.managerUserids ?? [],
        create_dept_group: false,
        auto_add_user: false,
        outer_dept: false,
        hide_dept: false,
      };
      if (d.parentId !== undefined) result.parent_id = d.parentId;
      return ok({ result });
    },

    /** POST /topapi/v2/user/list: direct members only, cursor = offset, size ≤ 100. */
    userList(b: Record<string, unknown>): WireResult {
      if (b.dept_id === undefined || b.cursor === undefined || b.size === undefined) return BLANK_PARAM;
      const { dept_id: id, cursor, size } = b;
      if (!isId(id) || !Number.isSafeInteger(cursor) || (cursor as number) < 0) return INVALID_PARAM;
      if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE)
        return INVALID_PARAM;
      if (!dept(id)) return NO_DEPT;
      const members = current.users.filter((u) => u.deptIds.includes(id));
      const from = cursor as number;
      const page = members.slice(from, from + (size as number));
      const hasMore = from + page.length < members.length;
      const result: Record<string, unknown> = {
        has_more: hasMore,
        list: page.map((u) => ({ ...userWire(u), leader: leads(u, id) })),
      };
      if (hasMore) result.next_cursor = from + page.length;
      return ok({ result });
    },

    userListId(b: Record<string, unknown>): WireResult {
      if (b.dept_id === undefined) return BLANK_PARAM;
      if (!isId(b.dept_id)) return INVALID_PARAM;
      const id = b.dept_id;
      if (!dept(id)) return NO_DEPT;
      return ok({
        result: { userid_list: current.users.filter((u) => u.deptIds.includes(id)).map((u) => u.userid) },
      });
    },
  };
}

export type DingtalkState = ReturnType<typeof createDingtalkState>;
