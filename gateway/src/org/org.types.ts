/**
 * The org directory's data (组织架构): departments in a tree, staff, and each staff member's roles per
 * department. Structurally identical to the types of `config/org` (the demo org file and, later, what
 * an org sync from DingTalk/WeCom produces), so either can be passed where these are expected.
 */

/** Role codes, in the order lists of roles are given. */
export const ORG_ROLES = [
  'clerk',
  'approver',
  'department-head',
  'supervisor',
  'report-viewer',
  'system-admin',
  'security-admin',
  'audit-admin',
] as const;

/**
 * The three separated administrators (三员分立, 等保 level 3): system, security and audit admin. No
 * account may hold two of them.
 */
export const SEPARATED_ADMIN_ROLES = ['system-admin', 'security-admin', 'audit-admin'] as const;

/** 办事员 · 审批人 · 部门负责人 · 督办人 · 报表查看人 · 系统管理员 · 安全管理员 · 审计管理员. */
export type OrgRole = (typeof ORG_ROLES)[number];

export interface OrgDepartment {
  /** Stable code, referenced by flows (`department`), cases and data scopes. */
  code: string;
  name: string;
  /** Code of the parent department; absent for a root. */
  parent?: string;
  /** Staff id of the department's head (部门负责人), used by `departmentHead` assignee rules. */
  head?: string;
}

export interface OrgMembership {
  department: string;
  /** At least one of {@link ORG_ROLES}; a plain member is a `clerk`. */
  roles: string[];
}

export interface OrgStaff {
  id: string;
  name: string;
  memberships: OrgMembership[];
}

export interface OrgData {
  departments: OrgDepartment[];
  staff: OrgStaff[];
}

const ROLE_RANK = new Map<string, number>(ORG_ROLES.map((role, i) => [role, i]));

/** Orders roles as in {@link ORG_ROLES}; codes outside it come last, alphabetically. */
export function compareRoles(a: string, b: string): number {
  const rank = (ROLE_RANK.get(a) ?? ORG_ROLES.length) - (ROLE_RANK.get(b) ?? ORG_ROLES.length);
  return rank !== 0 ? rank : a < b ? -1 : a > b ? 1 : 0;
}
