import type { WecomHttp } from '../transport/http';
import { reader } from './parse';

// Paths and fields: platforms.md §3 names only the identity and token calls; the org calls follow the
// public WeCom docs, developer.work.weixin.qq.com/document/path/{90344 department/list, 90201 user/list,
// 90200 user/simplelist, 90196 user/get, 96067 user/list_id} (field names as published there).

/** One entry of `GET /cgi-bin/department/list`. The root is 1 with `parentId` 0. */
export interface WecomDepartment {
  id: number;
  name: string;
  parentId: number;
  /** In the parent; larger sorts first. */
  order: number;
  /** `department_leader`: leaders' userids. */
  leaders: string[];
}

/** A member as `user/get` and `user/list` return it (fields the gateway uses). */
export interface WecomMember {
  userid: string;
  name: string;
  /** `department`. */
  departments: number[];
  /** Departments (of `departments`) the member leads, from the aligned `is_leader_in_dept` flags. */
  leaderOf: number[];
  position?: string;
  mainDepartment?: number;
  /** `direct_leader`: the member's superiors. */
  directLeaders: string[];
  /** 1 active, 2 disabled, 4 not activated, 5 left. */
  status?: number;
}

/** One page of `POST /cgi-bin/user/list_id`: (userid, department) pairs; `nextCursor` while more remain. */
export interface WecomUserIdPage {
  entries: { userid: string; department: number }[];
  nextCursor?: string;
}

/** `limit` ceiling of `user/list_id`. */
export const USER_LIST_ID_MAX_LIMIT = 10_000;

const PATHS = {
  deptList: '/cgi-bin/department/list',
  userList: '/cgi-bin/user/list',
  userGet: '/cgi-bin/user/get',
  userListId: '/cgi-bin/user/list_id',
} as const;

/** `department/list`: `id` and its whole subtree, or the whole org when `id` is absent. */
export async function listDepartments(
  http: WecomHttp,
  accessToken: string,
  id?: number,
): Promise<WecomDepartment[]> {
  const r = reader(PATHS.deptList);
  const params: Record<string, string> = { access_token: accessToken };
  if (id !== undefined) params.id = String(id);
  const body = await http.get(PATHS.deptList, params);
  return r.array(body.department, 'department').map((item) => {
    const row = r.object(item, 'department[]');
    const leaders = Array.isArray(row.department_leader) ? row.department_leader : [];
    return {
      id: r.number(row.id, 'id'),
      name: r.string(row.name, 'name'),
      parentId: typeof row.parentid === 'number' ? row.parentid : 0,
      order: typeof row.order === 'number' ? row.order : 0,
      leaders: leaders.filter((u): u is string => typeof u === 'string'),
    };
  });
}

/** `user/list`: the department's direct members with details. */
export async function listDepartmentMembers(
  http: WecomHttp,
  accessToken: string,
  departmentId: number,
): Promise<WecomMember[]> {
  const r = reader(PATHS.userList);
  const body = await http.get(PATHS.userList, {
    access_token: accessToken,
    department_id: String(departmentId),
  });
  return r.array(body.userlist, 'userlist').map((item) => toMember(r, r.object(item, 'userlist[]')));
}

export async function getMember(http: WecomHttp, accessToken: string, userid: string): Promise<WecomMember> {
  const r = reader(PATHS.userGet);
  return toMember(r, await http.get(PATHS.userGet, { access_token: accessToken, userid }));
}

export async function listUserIds(
  http: WecomHttp,
  accessToken: string,
  page: { cursor?: string; limit?: number },
): Promise<WecomUserIdPage> {
  const r = reader(PATHS.userListId);
  const request: Record<string, unknown> = { limit: page.limit ?? USER_LIST_ID_MAX_LIMIT };
  if (page.cursor) request.cursor = page.cursor;
  const body = await http.post(PATHS.userListId, request, { access_token: accessToken });
  const entries = r.array(body.dept_user ?? [], 'dept_user').map((item) => {
    const row = r.object(item, 'dept_user[]');
    // Self-built apps get `userid`; third-party apps `open_userid`.
    const userid = typeof row.userid === 'string' ? row.userid : r.string(row.open_userid, 'userid');
    return { userid, department: r.number(row.department, 'department') };
  });
  const next = r.optionalString(body.next_cursor);
  return next === undefined ? { entries } : { entries, nextCursor: next };
}

function toMember(r: ReturnType<typeof reader>, row: Record<string, unknown>): WecomMember {
  const numbers = (value: unknown) =>
    Array.isArray(value) ? value.filter((n): n is number => typeof n === 'number') : [];
  const departments = numbers(row.department);
  const flags = numbers(row.is_leader_in_dept);
  const member: WecomMember = {
    userid: r.string(row.userid, 'userid'),
    name: r.string(row.name, 'name'),
    departments,
    leaderOf: departments.filter((_, i) => flags[i] === 1),
    directLeaders: Array.isArray(row.direct_leader)
      ? row.direct_leader.filter((u): u is string => typeof u === 'string')
      : [],
  };
  const position = r.optionalString(row.position);
  if (position !== undefined) member.position = position;
  if (typeof row.main_department === 'number') member.mainDepartment = row.main_department;
  if (typeof row.status === 'number') member.status = row.status;
  return member;
}
