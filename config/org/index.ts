/**
 * The org directory (组织架构): departments as a tree and the staff with their roles per department.
 * `demo-org.json` is the fictitious 临江市 government the sandbox and the tests run with; flows name
 * its department codes, role codes and staff ids. A production directory comes from DingTalk/WeCom
 * sync and has the same shape.
 *
 * @example
 * const org = loadOrg(); // throws ConfigError naming every problem
 * const head = org.departments.find((d) => d.code === 'hrss')?.head;
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigError } from '../index';
import orgSchema from '../schemas/org.schema.json' with { type: 'json' };

/**
 * clerk 受理/经办 · approver 审核 · department-head 负责人 · supervisor 督办 · report-viewer 查看报表.
 * Flows address people by these codes (`{ type: 'role', role: 'clerk' }`).
 */
export type OrgRole =
  | 'clerk'
  | 'approver'
  | 'department-head'
  | 'supervisor'
  | 'report-viewer'
  | 'system-admin'
  | 'security-admin'
  | 'audit-admin';

/** 三员分立: no account may hold two of these. */
const SEPARATED_ADMIN_ROLES: ReadonlySet<string> = new Set(['system-admin', 'security-admin', 'audit-admin']);

export interface OrgDepartment {
  /** Stable code, the one services and flows use (`hrss`). */
  code: string;
  name: string;
  /** 上级部门; absent for the root. */
  parent?: string;
  /** Staff id of the 负责人; a member of this department. */
  head?: string;
}

export interface OrgMembership {
  department: string;
  roles: OrgRole[];
}

export interface OrgStaff {
  /** `^st-[a-z0-9-]+$` */
  id: string;
  name: string;
  memberships: OrgMembership[];
}

export interface OrgData {
  departments: OrgDepartment[];
  staff: OrgStaff[];
}

const here = dirname(fileURLToPath(import.meta.url));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateOrg = ajv.compile<OrgData>(orgSchema);

/** Reads and checks an org directory file (default: the demo directory). Throws ConfigError listing every problem. */
export function loadOrg(file: string = join(here, 'demo-org.json')): OrgData {
  const name = basename(file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${name}: 无法读取或不是有效的 JSON (${(error as Error).message})`]);
  }
  const problems = checkOrgDocument(value).map((p) => `${name}${p}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return value as OrgData;
}

/** Problems of an org document (schema, then cross-checks), each as `/json/pointer: reason`; empty when valid. */
export function checkOrgDocument(value: unknown): string[] {
  if (!validateOrg(value)) {
    return (validateOrg.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
  }
  return checkOrg(value);
}

function checkOrg(org: OrgData): string[] {
  const problems: string[] = [];
  const departments = new Map<string, OrgDepartment>();
  for (const [i, d] of org.departments.entries()) {
    if (departments.has(d.code)) problems.push(`/departments/${i}/code: 部门编码 ${d.code} 重复`);
    else departments.set(d.code, d);
  }
  const staff = new Map<string, OrgStaff>();
  for (const [i, s] of org.staff.entries()) {
    if (staff.has(s.id)) problems.push(`/staff/${i}/id: 人员 ID ${s.id} 重复`);
    else staff.set(s.id, s);
    const seen = new Set<string>();
    const admin = new Set(s.memberships.flatMap((m) => m.roles).filter((r) => SEPARATED_ADMIN_ROLES.has(r)));
    if (admin.size > 1) problems.push(`/staff/${i}: 三员分立：同一人员不能同时担任 ${[...admin].join('、')}`);
    for (const [m, membership] of s.memberships.entries()) {
      const at = `/staff/${i}/memberships/${m}/department`;
      if (!departments.has(membership.department))
        problems.push(`${at}: 部门 ${membership.department} 不存在`);
      if (seen.has(membership.department))
        problems.push(`${at}: 同一部门 ${membership.department} 出现了两次`);
      seen.add(membership.department);
    }
  }
  for (const [i, d] of org.departments.entries()) {
    if (d.parent !== undefined && !departments.has(d.parent)) {
      problems.push(`/departments/${i}/parent: 上级部门 ${d.parent} 不存在`);
    }
    if (d.head !== undefined) {
      const head = staff.get(d.head);
      if (!head) problems.push(`/departments/${i}/head: 负责人 ${d.head} 不在人员名单中`);
      else if (!head.memberships.some((m) => m.department === d.code)) {
        problems.push(`/departments/${i}/head: 负责人 ${d.head} 不是本部门（${d.code}）的成员`);
      }
    }
  }
  for (const [i, d] of org.departments.entries()) {
    const chain = [d.code];
    for (let up = d.parent; up !== undefined; up = departments.get(up)?.parent) {
      if (up === d.code) {
        problems.push(`/departments/${i}/parent: 上级部门形成循环（${[...chain, up].join(' → ')}）`);
        break;
      }
      if (chain.includes(up)) break; // a cycle further up: reported at its own departments
      chain.push(up);
    }
  }
  return problems;
}
