/** A department of the simulated org. The root is `deptId` 1 and has no `parentId`. */
export interface DingtalkOrgDepartment {
  deptId: number;
  name: string;
  parentId?: number;
  /** Leaders (主管), answered as `dept_manager_userid_list`. */
  managerUserids?: string[];
  order?: number;
}

/** A member of the simulated org: both ids are kept, as platforms.md §2.3 asks. */
export interface DingtalkOrgUser {
  userid: string;
  unionid: string;
  name: string;
  /** Departments the user belongs to (at least one). */
  deptIds: number[];
  title?: string;
  mobile?: string;
  managerUserid?: string;
  admin?: boolean;
  boss?: boolean;
  /** Default true. */
  active?: boolean;
  /** `sys_level` of 免登: 1 primary admin, 2 sub-admin, 100 boss, 0 other (default). */
  sysLevel?: 0 | 1 | 2 | 100;
}

export interface DingtalkOrgFixture {
  departments: DingtalkOrgDepartment[];
  users: DingtalkOrgUser[];
}

export const ROOT_DEPT_ID = 1;

/** A small demo org for the offline sandbox. */
export const DEMO_DINGTALK_ORG: DingtalkOrgFixture = {
  departments: [
    { deptId: 1, name: '临江市人民政府', managerUserids: ['mayor'] },
    { deptId: 10, name: '市政务服务管理局', parentId: 1, managerUserids: ['zhangwei'], order: 1 },
    { deptId: 11, name: '综合受理科', parentId: 10, managerUserids: ['lina'], order: 1 },
    { deptId: 20, name: '市市场监督管理局', parentId: 1, managerUserids: ['wangfang'], order: 2 },
  ],
  users: [
    {
      userid: 'mayor',
      unionid: 'u-mayor',
      name: '周建国',
      deptIds: [1],
      title: '市长',
      boss: true,
      sysLevel: 100,
    },
    {
      userid: 'zhangwei',
      unionid: 'u-zhangwei',
      name: '张伟',
      deptIds: [10],
      title: '局长',
      admin: true,
      sysLevel: 2,
    },
    {
      userid: 'lina',
      unionid: 'u-lina',
      name: '李娜',
      deptIds: [11],
      title: '科长',
      managerUserid: 'zhangwei',
    },
    {
      userid: 'liuyang',
      unionid: 'u-liuyang',
      name: '刘洋',
      deptIds: [11],
      title: '窗口受理员',
      managerUserid: 'lina',
    },
    { userid: 'wangfang', unionid: 'u-wangfang', name: '王芳', deptIds: [20, 11], title: '局长' },
  ],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value !== '' && value.length <= max;

/** Validate an untrusted org description; returns an error text or a deep copy. */
export function parseOrg(input: unknown): DingtalkOrgFixture | string {
  if (!isRecord(input) || !Array.isArray(input.departments) || !Array.isArray(input.users)) {
    return 'org must be {departments: [], users: []}';
  }
  const depts = new Map<number, DingtalkOrgDepartment>();
  for (const raw of input.departments) {
    if (!isRecord(raw) || !isId(raw.deptId) || !isText(raw.name, 64))
      return 'department needs deptId and name';
    if (depts.has(raw.deptId)) return `duplicate deptId ${raw.deptId}`;
    if (raw.parentId !== undefined && !isId(raw.parentId)) return `bad parentId of ${raw.deptId}`;
    if (
      raw.managerUserids !== undefined &&
      !(Array.isArray(raw.managerUserids) && raw.managerUserids.every((id) => isText(id, 64)))
    ) {
      return `bad managerUserids of ${raw.deptId}`;
    }
    if (raw.order !== undefined && !Number.isSafeInteger(raw.order)) return `bad order of ${raw.deptId}`;
    const dept: DingtalkOrgDepartment = { deptId: raw.deptId, name: raw.name };
    if (raw.parentId !== undefined) dept.parentId = raw.parentId;
    if (raw.managerUserids !== undefined) dept.managerUserids = [...(raw.managerUserids as string[])];
    if (raw.order !== undefined) dept.order = raw.order as number;
    depts.set(dept.deptId, dept);
  }
  const root = depts.get(ROOT_DEPT_ID);
  if (!root || root.parentId !== undefined) return 'the root department 1 must exist and have no parentId';
  for (const dept of depts.values()) {
    if (dept.deptId === ROOT_DEPT_ID) continue;
    if (dept.parentId === undefined || !depts.has(dept.parentId))
      return `department ${dept.deptId} has no valid parent`;
    // Walk up: a cycle never reaches the root within depts.size steps.
    let at: DingtalkOrgDepartment | undefined = dept;
    for (let steps = 0; at && at.deptId !== ROOT_DEPT_ID; steps += 1) {
      if (steps > depts.size) return `department ${dept.deptId} is in a parent cycle`;
      at = at.parentId === undefined ? undefined : depts.get(at.parentId);
    }
  }
  const users = new Map<string, DingtalkOrgUser>();
  const unionids = new Set<string>();
  for (const raw of input.users) {
    if (!isRecord(raw) || !isText(raw.userid, 64) || !isText(raw.unionid, 64) || !isText(raw.name, 64)) {
      return 'user needs userid, unionid and name';
    }
    if (users.has(raw.userid) || unionids.has(raw.unionid)) return `duplicate user ${raw.userid}`;
    if (
      !Array.isArray(raw.deptIds) ||
      raw.deptIds.length === 0 ||
      !raw.deptIds.every((id) => depts.has(id as number))
    ) {
      return `user ${raw.userid} needs existing deptIds`;
    }
    for (const key of ['title', 'mobile', 'managerUserid'] as const) {
      if (raw[key] !== undefined && !isText(raw[key], 64)) return `bad ${key} of ${raw.userid}`;
    }
    for (const key of ['admin', 'boss', 'active'] as const) {
      if (raw[key] !== undefined && typeof raw[key] !== 'boolean') return `bad ${key} of ${raw.userid}`;
    }
    if (raw.sysLevel !== undefined && ![0, 1, 2, 100].includes(raw.sysLevel as number))
      return `bad sysLevel of ${raw.userid}`;
    const user = { ...(raw as unknown as DingtalkOrgUser), deptIds: [...new Set(raw.deptIds as number[])] };
    users.set(user.userid, user);
    unionids.add(user.unionid);
  }
  for (const dept of depts.values()) {
    const missing = dept.managerUserids?.find((id) => !users.has(id));
    if (missing) return `manager ${missing} of department ${dept.deptId} is not a user`;
  }
  return { departments: [...depts.values()], users: [...users.values()] };
}
