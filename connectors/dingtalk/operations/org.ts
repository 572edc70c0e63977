import type { DingtalkHttp } from '../transport/http';
import { reader } from './parse';

/** One entry of `POST /topapi/v2/department/listsub`. The root department is 1 and has no parent. */
export interface DingtalkDepartment {
  deptId: number;
  name: string;
  parentId?: number;
}

/** `POST /topapi/v2/department/get`: adds the department's leaders (主管). */
export interface DingtalkDepartmentDetail extends DingtalkDepartment {
  /** `dept_manager_userid_list`. */
  managerUserids: string[];
  order?: number;
}

/** A member as `topapi/v2/user/get` and `topapi/v2/user/list` return it (fields the gateway uses). */
export interface DingtalkUser {
  userid: string;
  unionid: string;
  name: string;
  title?: string;
  mobile?: string;
  deptIdList: number[];
  /** Direct manager (`manager_userid`), only from `user/get`. */
  managerUserid?: string;
  /** `leader_in_dept` from `user/get`; from `user/list`, the list's own department. */
  leaderInDept: { deptId: number; leader: boolean }[];
  admin: boolean;
  boss: boolean;
  active: boolean;
}

/** One page of `POST /topapi/v2/user/list`. `nextCursor` is present while `hasMore`. */
export interface DingtalkUserPage {
  users: DingtalkUser[];
  hasMore: boolean;
  nextCursor?: number;
}

/** `size` ceiling of `topapi/v2/user/list` (public DingTalk docs; platforms.md is silent). */
export const USER_LIST_MAX_SIZE = 100;

const PATHS = {
  listsub: '/topapi/v2/department/listsub',
  deptGet: '/topapi/v2/department/get',
  userGet: '/topapi/v2/user/get',
  userList: '/topapi/v2/user/list',
  userListId: '/topapi/user/listid',
} as const;

// Paths and fields below come from platforms.md §2.3 (user/get) and, where it is silent, from the public
// DingTalk docs: open.dingtalk.com/document/orgapp/{obtain-the-department-list-v2, query-department-details0-v2,
// queries-the-complete-information-of-a-department-user, query-the-list-of-department-userids}.

export async function listSubDepartments(
  http: DingtalkHttp,
  accessToken: string,
  deptId: number,
): Promise<DingtalkDepartment[]> {
  const r = reader(PATHS.listsub);
  const body = await http.post(
    PATHS.listsub,
    { dept_id: deptId, language: 'zh_CN' },
    { access_token: accessToken },
  );
  return r.array(body.result, 'result').map((item) => {
    const row = r.object(item, 'result[]');
    const dept: DingtalkDepartment = {
      deptId: r.number(row.dept_id, 'dept_id'),
      name: r.string(row.name, 'name'),
    };
    if (typeof row.parent_id === 'number') dept.parentId = row.parent_id;
    return dept;
  });
}

export async function getDepartment(
  http: DingtalkHttp,
  accessToken: string,
  deptId: number,
): Promise<DingtalkDepartmentDetail> {
  const r = reader(PATHS.deptGet);
  const body = await http.post(
    PATHS.deptGet,
    { dept_id: deptId, language: 'zh_CN' },
    { access_token: accessToken },
  );
  const row = r.object(body.result, 'result');
  const managers = Array.isArray(row.dept_manager_userid_list) ? row.dept_manager_userid_list : [];
  const dept: DingtalkDepartmentDetail = {
    deptId: r.number(row.dept_id, 'dept_id'),
    name: r.string(row.name, 'name'),
    managerUserids: managers.filter((id): id is string => typeof id === 'string'),
  };
  if (typeof row.parent_id === 'number') dept.parentId = row.parent_id;
  if (typeof row.order === 'number') dept.order = row.order;
  return dept;
}

export async function getUser(
  http: DingtalkHttp,
  accessToken: string,
  userid: string,
): Promise<DingtalkUser> {
  const r = reader(PATHS.userGet);
  const body = await http.post(PATHS.userGet, { userid, language: 'zh_CN' }, { access_token: accessToken });
  return toUser(r, r.object(body.result, 'result'));
}

export async function listDepartmentUsers(
  http: DingtalkHttp,
  accessToken: string,
  query: { deptId: number; cursor?: number; size?: number },
): Promise<DingtalkUserPage> {
  const r = reader(PATHS.userList);
  const body = await http.post(
    PATHS.userList,
    {
      dept_id: query.deptId,
      cursor: query.cursor ?? 0,
      size: query.size ?? USER_LIST_MAX_SIZE,
      order_field: 'custom',
      contain_access_limit: false,
      language: 'zh_CN',
    },
    { access_token: accessToken },
  );
  const result = r.object(body.result, 'result');
  const list = Array.isArray(result.list) ? result.list : [];
  const page: DingtalkUserPage = {
    users: list.map((item) => toUser(r, r.object(item, 'list[]'), query.deptId)),
    hasMore: result.has_more === true,
  };
  if (page.hasMore) page.nextCursor = r.number(result.next_cursor, 'next_cursor');
  return page;
}

export async function listDepartmentUserIds(
  http: DingtalkHttp,
  accessToken: string,
  deptId: number,
): Promise<string[]> {
  const r = reader(PATHS.userListId);
  const body = await http.post(PATHS.userListId, { dept_id: deptId }, { access_token: accessToken });
  const ids = r.array(r.object(body.result, 'result').userid_list ?? [], 'userid_list');
  return ids.filter((id): id is string => typeof id === 'string');
}

function toUser(
  r: ReturnType<typeof reader>,
  row: Record<string, unknown>,
  listDeptId?: number,
): DingtalkUser {
  const deptIds = Array.isArray(row.dept_id_list) ? row.dept_id_list : [];
  let leaderInDept: DingtalkUser['leaderInDept'] = [];
  if (Array.isArray(row.leader_in_dept)) {
    leaderInDept = row.leader_in_dept.flatMap((entry) => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { dept_id: deptId, leader } = entry as Record<string, unknown>;
      return typeof deptId === 'number' ? [{ deptId, leader: leader === true }] : [];
    });
  } else if (listDeptId !== undefined && typeof row.leader === 'boolean') {
    leaderInDept = [{ deptId: listDeptId, leader: row.leader }];
  }
  const user: DingtalkUser = {
    userid: r.string(row.userid, 'userid'),
    unionid: r.string(row.unionid, 'unionid'),
    name: r.string(row.name, 'name'),
    deptIdList: deptIds.filter((id): id is number => typeof id === 'number'),
    leaderInDept,
    admin: r.bool(row.admin),
    boss: r.bool(row.boss),
    active: r.bool(row.active),
  };
  const title = r.optionalString(row.title);
  if (title !== undefined) user.title = title;
  const mobile = r.optionalString(row.mobile);
  if (mobile !== undefined) user.mobile = mobile;
  const manager = r.optionalString(row.manager_userid);
  if (manager !== undefined) user.managerUserid = manager;
  return user;
}
