import { ORG_ROLES, type OrgData, SEPARATED_ADMIN_ROLES } from './org.types';

/** One problem in org data: a JSON pointer into it and a zh-CN reason. */
export interface OrgProblem {
  pointer: string;
  message: string;
}

/** Thrown by the seed when the data has problems; nothing was written. */
export class OrgDataError extends Error {
  constructor(readonly problems: OrgProblem[]) {
    super(
      `组织架构数据有 ${problems.length} 处问题，未写入：\n${problems.map((p) => `  ${p.pointer}: ${p.message}`).join('\n')}`,
    );
    this.name = 'OrgDataError';
  }
}

/**
 * Codes and ids: ASCII letters, digits and `_ . @ : -`, up to 64 characters (the key columns). No
 * spaces: MySQL's PAD SPACE collations would make `a` and `a ` the same key.
 */
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,63}$/;
const MAX_NAME = 128;
const ROLES: ReadonlySet<string> = new Set(ORG_ROLES);
const SEPARATED: ReadonlySet<string> = new Set(SEPARATED_ADMIN_ROLES);

/**
 * Checks a whole org before it is written: codes, ids and names, no repeats, parents and heads that
 * exist, no cycle in the tree, memberships in known departments with at least one known role each.
 * Returns every problem found (empty when the data is fine).
 */
export function checkOrg(data: OrgData): OrgProblem[] {
  const problems: OrgProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ pointer, message });
  if (!Array.isArray(data?.departments) || !Array.isArray(data?.staff)) {
    return [{ pointer: '', message: '需要 departments 和 staff 两个数组' }];
  }

  const departments = new Map<string, number>();
  data.departments.forEach((d, i) => {
    const at = `/departments/${i}`;
    if (typeof d.code !== 'string' || !CODE.test(d.code)) {
      problem(`${at}/code`, `部门编码 ${JSON.stringify(d.code)} 无效：限 64 个字母、数字或 _.@:- 字符`);
    } else if (departments.has(d.code)) {
      problem(`${at}/code`, `部门编码 ${d.code} 重复（另见 /departments/${departments.get(d.code)}）`);
    } else departments.set(d.code, i);
    checkName(d.name, `${at}/name`, '部门名称', problem);
  });

  const staff = new Map<string, number>();
  data.staff.forEach((s, i) => {
    const at = `/staff/${i}`;
    if (typeof s.id !== 'string' || !CODE.test(s.id)) {
      problem(`${at}/id`, `人员编号 ${JSON.stringify(s.id)} 无效：限 64 个字母、数字或 _.@:- 字符`);
    } else if (staff.has(s.id)) {
      problem(`${at}/id`, `人员编号 ${s.id} 重复（另见 /staff/${staff.get(s.id)}）`);
    } else staff.set(s.id, i);
    checkName(s.name, `${at}/name`, '姓名', problem);
    if (!Array.isArray(s.memberships)) {
      problem(`${at}/memberships`, '需要 memberships 数组（可为空）');
      return;
    }
    const seen = new Set<string>();
    const admin = new Set<string>();
    s.memberships.forEach((m, j) => {
      const mat = `${at}/memberships/${j}`;
      if (!departments.has(m.department)) problem(`${mat}/department`, `部门 ${m.department} 不存在`);
      else if (seen.has(m.department))
        problem(`${mat}/department`, `部门 ${m.department} 重复列出，请合并角色`);
      seen.add(m.department);
      if (!Array.isArray(m.roles) || m.roles.length === 0) {
        problem(`${mat}/roles`, '至少需要一个角色（普通成员为 clerk）');
        return;
      }
      const roles = new Set<string>();
      m.roles.forEach((role, k) => {
        if (!ROLES.has(role))
          problem(`${mat}/roles/${k}`, `角色 ${role} 无效，可选：${ORG_ROLES.join('、')}`);
        else if (roles.has(role)) problem(`${mat}/roles/${k}`, `角色 ${role} 重复`);
        roles.add(role);
        if (SEPARATED.has(role)) {
          if (admin.size > 0 && !admin.has(role)) {
            problem(`${mat}/roles/${k}`, `三员分立：同一人员不能同时担任 ${[...admin, role].join(' 与 ')}`);
          }
          admin.add(role);
        }
      });
    });
  });

  const parents = new Map<string, string>();
  data.departments.forEach((d, i) => {
    if (d.parent !== undefined) {
      if (!departments.has(d.parent)) problem(`/departments/${i}/parent`, `上级部门 ${d.parent} 不存在`);
      else if (departments.get(d.code) === i) parents.set(d.code, d.parent);
    }
    if (d.head !== undefined && !staff.has(d.head)) {
      problem(`/departments/${i}/head`, `负责人 ${d.head} 不在人员名单中`);
    }
  });
  for (const cycle of cycles(parents)) {
    problem(`/departments/${departments.get(cycle[0]!)}/parent`, `上级关系成环：${cycle.join(' → ')}`);
  }
  return problems;
}

function checkName(name: unknown, pointer: string, label: string, problem: (p: string, m: string) => void) {
  if (typeof name !== 'string' || name.trim() === '') problem(pointer, `${label}不能为空`);
  else if ([...name].length > MAX_NAME) problem(pointer, `${label}超过 ${MAX_NAME} 个字`);
}

/** Each cycle of the child → parent map once, starting at its smallest code and closed (`a → b → a`). */
function cycles(parents: Map<string, string>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  for (const start of parents.keys()) {
    const path: string[] = [];
    let code: string | undefined = start;
    while (code !== undefined && !done.has(code) && !path.includes(code)) {
      path.push(code);
      code = parents.get(code);
    }
    if (code !== undefined && path.includes(code)) {
      const loop = path.slice(path.indexOf(code));
      const first = loop.indexOf([...loop].sort()[0]!);
      const ordered = [...loop.slice(first), ...loop.slice(0, first)];
      found.push([...ordered, ordered[0]!]);
    }
    for (const c of path) done.add(c);
  }
  return found;
}
