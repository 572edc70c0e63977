/** A department of the simulated corp. The root is `id` 1 with `parentId` 0. */
export interface WecomOrgDepartment {
  id: number;
  name: string;
  parentId: number;
  /** Leaders: answered as `department_leader`, and as `is_leader_in_dept` on their members. */
  leaders?: string[];
  order?: number;
}

export interface WecomOrgUser {
  userid: string;
  name: string;
  /** Departments the member belongs to (at least one). */
  departments: number[];
  position?: string;
  mainDepartment?: number;
  directLeaders?: string[];
  /** 1 active (default), 2 disabled, 4 not activated, 5 left. */
  status?: 1 | 2 | 4 | 5;
}

export interface WecomOrgFixture {
  departments: WecomOrgDepartment[];
  users: WecomOrgUser[];
}

export const ROOT_DEPT_ID = 1;

/** A small demo corp for the offline sandbox. */
export const DEMO_WECOM_ORG: WecomOrgFixture = {
  departments: [
    { id: 1, name: '临江市人民政府', parentId: 0, leaders: ['ZhouJianGuo'] },
    { id: 2, name: '市政务服务管理局', parentId: 1, leaders: ['ZhangWei'], order: 100 },
    { id: 3, name: '综合受理科', parentId: 2, leaders: ['LiNa'], order: 50 },
    { id: 4, name: '市人力资源和社会保障局', parentId: 1, leaders: [], order: 90 },
  ],
  users: [
    { userid: 'ZhouJianGuo', name: '周建国', departments: [1], position: '市长' },
    { userid: 'ZhangWei', name: '张伟', departments: [2], position: '局长', directLeaders: ['ZhouJianGuo'] },
    {
      userid: 'LiNa',
      name: '李娜',
      departments: [3, 4],
      mainDepartment: 3,
      position: '科长',
      directLeaders: ['ZhangWei'],
    },
    { userid: 'LiuYang', name: '刘洋', departments: [3], position: '窗口受理员', directLeaders: ['LiNa'] },
  ],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0 && (value as number) < 2 ** 32;
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value !== '' && value.length <= max;

/** Validate an untrusted org description; returns an error text or a deep copy. */
export function parseOrg(input: unknown): WecomOrgFixture | string {
  if (!isRecord(input) || !Array.isArray(input.departments) || !Array.isArray(input.users)) {
    return 'org must be {departments: [], users: []}';
  }
  const depts = new Map<number, WecomOrgDepartment>();
  for (const raw of input.departments) {
    if (!isRecord(raw) || !isId(raw.id) || !isText(raw.name, 64)) return 'department needs id and name';
    if (depts.has(raw.id)) return `duplicate department ${raw.id}`;
    if (!(raw.parentId === 0 || isId(raw.parentId))) return `bad parentId of ${raw.id}`;
    if (
      raw.leaders !== undefined &&
      !(Array.isArray(raw.leaders) && raw.leaders.every((u) => isText(u, 64)))
    ) {
      return `bad leaders of ${raw.id}`;
    }
    if (raw.order !== undefined && !(Number.isSafeInteger(raw.order) && (raw.order as number) >= 0)) {
      return `bad order of ${raw.id}`;
    }
    const dept: WecomOrgDepartment = { id: raw.id, name: raw.name, parentId: raw.parentId as number };
    if (raw.leaders !== undefined) dept.leaders = [...(raw.leaders as string[])];
    if (raw.order !== undefined) dept.order = raw.order as number;
    depts.set(dept.id, dept);
  }
  if (depts.get(ROOT_DEPT_ID)?.parentId !== 0) return 'the root department 1 must exist with parentId 0';
  for (const dept of depts.values()) {
    if (dept.id === ROOT_DEPT_ID) continue;
    if (!depts.has(dept.parentId)) return `department ${dept.id} has no valid parent`;
    let at: WecomOrgDepartment | undefined = dept;
    for (let steps = 0; at && at.id !== ROOT_DEPT_ID; steps += 1) {
      if (steps > depts.size) return `department ${dept.id} is in a parent cycle`;
      at = depts.get(at.parentId);
    }
  }
  const users = new Map<string, WecomOrgUser>();
  for (const raw of input.users) {
    if (!isRecord(raw) || !isText(raw.userid, 64) || !isText(raw.name, 64))
      return 'user needs userid and name';
    if (users.has(raw.userid)) return `duplicate user ${raw.userid}`;
    const departments = raw.departments;
    if (
      !Array.isArray(departments) ||
      departments.length === 0 ||
      !departments.every((id) => depts.has(id as number))
    ) {
      return `user ${raw.userid} needs existing departments`;
    }
    if (raw.position !== undefined && !isText(raw.position, 128)) return `bad position of ${raw.userid}`;
    if (raw.mainDepartment !== undefined && !departments.includes(raw.mainDepartment)) {
      return `mainDepartment of ${raw.userid} is not one of its departments`;
    }
    if (
      raw.directLeaders !== undefined &&
      !(Array.isArray(raw.directLeaders) && raw.directLeaders.every((u) => isText(u, 64)))
    ) {
      return `bad directLeaders of ${raw.userid}`;
    }
    if (raw.status !== undefined && ![1, 2, 4, 5].includes(raw.status as number))
      return `bad status of ${raw.userid}`;
    users.set(raw.userid, {
      ...(raw as unknown as WecomOrgUser),
      departments: [...new Set(departments as number[])],
    });
  }
  for (const dept of depts.values()) {
    const missing = dept.leaders?.find((id) => !users.has(id));
    if (missing) return `leader ${missing} of department ${dept.id} is not a user`;
  }
  return structuredClone({ departments: [...depts.values()], users: [...users.values()] });
}
