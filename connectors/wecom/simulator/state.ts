import { randomBytes } from 'node:crypto';
import { DEMO_WECOM_ORG, parseOrg, type WecomOrgFixture, type WecomOrgUser } from './org';

/**
 * A success body (errcode 0 is added by the server), an errcode answered with HTTP 200, or an errcode
 * whose body carries extra fields (81013 lists the invalid recipients).
 */
export type WireResult = { body: Record<string, unknown>; errcode?: number } | number;

export interface WecomStateOptions {
  corpId: string;
  corpSecret: string;
  tokenTtlSeconds: number;
  codeTtlSeconds: number;
  org?: WecomOrgFixture;
}

/** Longest code accepted (platforms.md §3.2: code ≤ 512 bytes). */
const MAX_CODE_LENGTH = 512;
/** `user_ticket` lifetime (platforms.md §3.2). */
const USER_TICKET_TTL_SECONDS = 1800;
const MAX_LIST_ID_LIMIT = 10_000;

type CodeOwner =
  | { kind: 'member'; userid: string; privateInfo: boolean }
  | { kind: 'non-member'; openid: string; externalUserid?: string };

const ok = (body: Record<string, unknown>): WireResult => ({ body });
const parseId = (value: string | null): number | null =>
  value !== null && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : null;

/** Tokens, OAuth codes, the org and the clock of one simulated WeCom app. */
export function createWecomState(opts: WecomStateOptions) {
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  const tokens = new Map<string, number>(); // token → expiresAt
  let current: string | null = null;
  const codes = new Map<string, { owner: CodeOwner; issuedAt: number; used: boolean }>();
  const initial = parseOrg(opts.org ?? DEMO_WECOM_ORG);
  if (typeof initial === 'string') throw new Error(`invalid org fixture: ${initial}`);
  let org: WecomOrgFixture = initial;

  const dept = (id: number) => org.departments.find((d) => d.id === id);
  const user = (id: string) => org.users.find((u) => u.userid === id);
  const siblingsOrder = (a: { order?: number; id: number }, b: { order?: number; id: number }) =>
    (b.order ?? 0) - (a.order ?? 0) || a.id - b.id;

  function mint(owner: CodeOwner): string {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, { owner, issuedAt: now(), used: false });
    return code;
  }

  function memberWire(u: WecomOrgUser): Record<string, unknown> {
    return {
      userid: u.userid,
      name: u.name,
      department: u.departments,
      order: u.departments.map(() => 0),
      position: u.position ?? '',
      is_leader_in_dept: u.departments.map((id) => (dept(id)?.leaders?.includes(u.userid) ? 1 : 0)),
      direct_leader: u.directLeaders ?? [],
      main_department: u.mainDepartment ?? u.departments[0],
      status: u.status ?? 1,
    };
  }

  return {
    now,

    advanceClock(seconds: number): void {
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new RangeError('seconds must be a finite number >= 0');
      clockOffsetMs += seconds * 1000;
    },

    getOrg: (): WecomOrgFixture => structuredClone(org),

    setOrg(input: unknown): void {
      const parsed = parseOrg(input);
      if (typeof parsed === 'string') throw new Error(`invalid org fixture: ${parsed}`);
      org = parsed;
    },

    /** A code for a member (throws when `userid` is not in the org). */
    mintAuthCode(userid: string, scope: 'snsapi_base' | 'snsapi_privateinfo' = 'snsapi_base'): string {
      if (!user(userid)) throw new Error(`no user ${userid} in the simulated corp`);
      return mint({ kind: 'member', userid, privateInfo: scope === 'snsapi_privateinfo' });
    },

    /** A code for someone outside the corp: getuserinfo answers `openid` (and `external_userid`). */
    mintNonMemberCode(openid: string, externalUserid?: string): string {
      return mint(
        externalUserid === undefined
          ? { kind: 'non-member', openid }
          : { kind: 'non-member', openid, externalUserid },
      );
    },

    /** WeCom may invalidate tokens early (path/91039): every issued token answers 40014 from now on. */
    revokeAccessTokens(): void {
      tokens.clear();
      current = null;
    },

    checkAccessToken(token: string | null): 0 | 41001 | 40014 | 42001 {
      if (token === null || token === '') return 41001;
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined) return 40014;
      return expiresAt <= now() ? 42001 : 0;
    },

    /** GET /cgi-bin/gettoken: the same token while valid, with what is left of its life (path/91039). */
    gettoken(corpid: string | null, corpsecret: string | null): WireResult {
      if (!corpid) return 41002;
      if (!corpsecret) return 41004;
      if (corpid !== opts.corpId) return 40013;
      if (corpsecret !== opts.corpSecret) return 40001;
      if (current === null || (tokens.get(current) ?? 0) <= now()) {
        current = randomBytes(64).toString('base64url');
        tokens.set(current, now() + opts.tokenTtlSeconds * 1000);
      }
      const left = Math.ceil(((tokens.get(current) ?? 0) - now()) / 1000);
      return ok({ access_token: current, expires_in: left });
    },

    /** GET /cgi-bin/auth/getuserinfo: single-use codes living codeTtlSeconds; 40029 otherwise. */
    getuserinfo(code: string | null): WireResult {
      if (!code) return 41008;
      const entry = code.length <= MAX_CODE_LENGTH ? codes.get(code) : undefined;
      if (!entry || entry.used || now() - entry.issuedAt > opts.codeTtlSeconds * 1000) return 40029;
      entry.used = true;
      const owner = entry.owner;
      if (owner.kind === 'non-member') {
        const body: Record<string, unknown> = { openid: owner.openid };
        if (owner.externalUserid !== undefined) body.external_userid = owner.externalUserid;
        return ok(body);
      }
      const body: Record<string, unknown> = { userid: owner.userid };
      if (owner.privateInfo) {
        body.user_ticket = randomBytes(32).toString('base64url');
        body.expires_in = USER_TICKET_TTL_SECONDS;
      }
      return ok(body);
    },

    /** GET /cgi-bin/department/list: `id` and its subtree (parents first), or the whole corp. */
    departmentList(rawId: string | null): WireResult {
      const rootId = rawId === null || rawId === '' ? 1 : parseId(rawId);
      if (rootId === null || !dept(rootId)) return 60003;
      const out: Record<string, unknown>[] = [];
      const queue = [rootId];
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const d = dept(id);
        if (!d) continue;
        out.push({
          id: d.id,
          name: d.name,
          department_leader: d.leaders ?? [],
          parentid: d.parentId,
          order: d.order ?? 0,
        });
        queue.push(
          ...org.departments
            .filter((c) => c.parentId === id && c.id !== id)
            .sort(siblingsOrder)
            .map((c) => c.id),
        );
      }
      return ok({ department: out });
    },

    /** GET /cgi-bin/user/list and /cgi-bin/user/simplelist: direct members of `department_id`. */
    userList(rawId: string | null, simple: boolean): WireResult {
      const id = parseId(rawId);
      if (id === null || !dept(id)) return 60003;
      const members = org.users.filter((u) => u.departments.includes(id));
      return ok({
        userlist: members.map((u) =>
          simple ? { userid: u.userid, name: u.name, department: u.departments } : memberWire(u),
        ),
      });
    },

    userGet(userid: string | null): WireResult {
      const u = userid ? user(userid) : undefined;
      return u ? ok(memberWire(u)) : 60111;
    },

    /** POST /cgi-bin/user/list_id: (userid, department) pairs; the cursor is opaque (an offset here). */
    userListId(b: Record<string, unknown>): WireResult {
      const limit = b.limit ?? MAX_LIST_ID_LIMIT;
      if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_LIST_ID_LIMIT)
        return 40058;
      let from = 0;
      if (b.cursor !== undefined && b.cursor !== '') {
        const decoded =
          typeof b.cursor === 'string'
            ? /^o(\d{1,9})$/.exec(Buffer.from(b.cursor, 'base64url').toString('latin1'))
            : null;
        if (!decoded) return 40058;
        from = Number(decoded[1]);
      }
      const pairs = org.users.flatMap((u) => u.departments.map((d) => ({ userid: u.userid, department: d })));
      const page = pairs.slice(from, from + (limit as number));
      const end = from + page.length;
      // An empty next_cursor means there is nothing more (path/96067).
      const next = end < pairs.length ? Buffer.from(`o${end}`, 'latin1').toString('base64url') : '';
      return ok({ next_cursor: next, dept_user: page });
    },
  };
}

export type WecomState = ReturnType<typeof createWecomState>;
