import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../index';
import { loadOrg, type OrgData, type OrgRole } from '../org/index';
import type { AssigneeRule, FlowDefinition, FlowNode, TimeLimit } from './flow';
import { checkFlowDocument, flowKey, flowNodes, loadCatalog } from './index';

const here = dirname(fileURLToPath(import.meta.url));
const catalog = loadCatalog();
const org = loadOrg();
const flows = [...catalog.flows.values()];

/** Every assignee rule of a flow with the department it defaults to and where it is. */
function assigneeRules(flow: FlowDefinition): { rule: AssigneeRule; department: string; at: string }[] {
  const out: { rule: AssigneeRule; department: string; at: string }[] = [];
  const add = (rule: AssigneeRule, department: string, at: string) => {
    out.push({ rule, department, at });
    if (rule.type === 'rule') {
      for (const c of rule.cases) add(c.assignees, department, at);
      if (rule.otherwise) add(rule.otherwise, department, at);
    }
    if (rule.type === 'ruleSet') add(rule.otherwise, department, at);
  };
  const limit = (t: TimeLimit | undefined, department: string, at: string) => {
    if (t && (t.onTimeout.action === 'escalate' || t.onTimeout.action === 'transfer'))
      add(t.onTimeout.to, department, `${at}/timeLimit`);
  };
  limit(flow.timeLimit, flow.department, '');
  for (const { node, path } of flowNodes(flow)) {
    const department = nodeDepartment(flow, node);
    if (node.type === 'approver') for (const r of node.assignees) add(r, department, path);
    if (node.type === 'cc') for (const r of node.recipients) add(r, department, path);
    limit(node.timeLimit, department, path);
  }
  return out;
}

const nodeDepartment = (flow: FlowDefinition, node: FlowNode) =>
  node.type === 'approver'
    ? node.department
    : ((node as { department?: string }).department ?? flow.department);

/** Facts named anywhere in a JSON value (conditions nest all/any/not and compare with fact refs). */
function factsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) factsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'fact' && typeof v === 'string') out.add(v);
      else factsIn(v, out);
    }
  }
  return out;
}

/** Longest path in working days, counting 8 working hours a day; branches of a container overlap. */
function criticalDays(nodes: FlowNode[]): number {
  let total = 0;
  for (const node of nodes) {
    let own = node.timeLimit ? (node.timeLimit.workingDays ?? (node.timeLimit.hours ?? 0) / 8) : 0;
    if (node.type === 'condition' || node.type === 'parallel') {
      const inner = Math.max(...node.branches.map((b) => criticalDays(b.nodes)));
      own = node.type === 'parallel' && node.timeLimit ? own : Math.max(own, inner);
      expect(inner, `${node.id}: 分支时限之和超过节点时限`).toBeLessThanOrEqual(own);
    }
    total += own;
  }
  return total;
}

describe('shipped flows', () => {
  it('every file loads and is named <id>@<version>.json', () => {
    const files = readdirSync(join(here, 'flows')).filter((n) => n.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const value = JSON.parse(readFileSync(join(here, 'flows', file), 'utf8'));
      expect(checkFlowDocument(value), file).toEqual([]);
      expect(file).toBe(`${flowKey(value)}.json`);
    }
    expect(catalog.flows.size).toBe(files.length);
  });

  it('every service has a flow, whole-case limit = promised working days, no step longer than that', () => {
    for (const service of catalog.services) {
      const flow = catalog.flows.get(service.flow ?? '');
      expect(flow, service.code).toBeDefined();
      if (!flow) continue;
      const promised = service.guide.promisedWorkingDays;
      if (promised > 0) expect(flow.timeLimit?.workingDays, service.code).toBe(promised);
      else expect(flow.timeLimit?.workingDays, `${service.code}: 即办件`).toBeUndefined();
      expect(criticalDays(flow.nodes), service.code).toBeLessThanOrEqual(Math.max(promised, 1));
      expect(
        service.departments.map((d) => d.code),
        `${service.code}: 流程的牵头部门`,
      ).toContain(flow.department);
    }
  });

  it('a bundle accepts once, by the lead department, then runs one parallel branch per included service', () => {
    for (const service of catalog.services.filter((s) => s.kind === 'bundle')) {
      const flow = catalog.flows.get(service.flow!)!;
      const lead = service.departments.find((d) => d.lead)?.code;
      const entries = flowNodes(flow);
      const accept = entries.find((e) => e.node.type === 'approver' && e.node.accepts)?.node;
      expect(accept, service.code).toMatchObject({ department: lead, claim: true, mode: 'any' });
      const parallel = entries.find((e) => e.node.type === 'parallel' && e.parent === null)?.node;
      if (parallel?.type !== 'parallel') throw new Error(`${service.code}: 没有并行节点`);
      const departments = parallel.branches.map((b) => {
        const first = flowNodes({ ...flow, nodes: b.nodes })
          .map((e) => e.node)
          .find((n) => n.type === 'approver' || n.type === 'automatic');
        return first && nodeDepartment(flow, first);
      });
      const included = new Set((service.includes ?? []).map((i) => i.department));
      // Services of one department that depend on each other (名称申报 → 设立登记) may share a branch,
      // and the lead department may decide its own service after the join, on the others' results.
      const afterJoin = flow.nodes
        .slice(flow.nodes.indexOf(parallel) + 1)
        .flatMap((n) => flowNodes({ ...flow, nodes: [n] }).map((e) => e.node))
        .filter((n) => n.type === 'approver' && n.department === lead)
        .map((n) => nodeDepartment(flow, n));
      for (const d of departments) expect(included, `${service.code}: 分支部门 ${d}`).toContain(d);
      expect(new Set([...departments, ...afterJoin]), service.code).toEqual(included);
      expect(new Set(departments).size, service.code).toBeGreaterThanOrEqual(included.size - 1);
      for (const inc of service.includes ?? []) {
        if (!inc.optional) continue;
        const branch = parallel.branches[departments.lastIndexOf(inc.department)];
        expect(branch?.when, `${service.code}: 可选事项 ${inc.service} 的分支需要 when`).toBeDefined();
      }
      const cc = entries.find((e) => e.node.type === 'cc')?.node;
      expect(cc, service.code).toMatchObject({ recipients: [{ type: 'departmentHead', department: lead }] });
      expect(entries.at(-1)?.node.type, service.code).toBe('end');
    }
  });

  it('conditions only name fields of the form of every service that uses the flow', () => {
    for (const service of catalog.services) {
      const flow = catalog.flows.get(service.flow ?? '');
      const form = catalog.forms.get(service.form);
      if (!flow || !form) continue;
      for (const fact of factsIn(flow.nodes)) {
        const [scope, field] = fact.split('.');
        if (scope === 'case') {
          expect(['serviceCode', 'channel', 'applicantKind'], `${flowKey(flow)}: ${fact}`).toContain(field);
        } else {
          expect(scope, `${flowKey(flow)}: ${fact}`).toBe('form');
          expect(Object.keys(form.schema.properties), `${flowKey(flow)}: ${fact}`).toContain(field);
        }
      }
    }
  });

  it('the catalog uses the whole feature set somewhere: 会签, 或签, 依次, claim, rules, OA connector, condition, cc', () => {
    const nodes = flows.flatMap((f) => flowNodes(f).map((e) => e.node));
    const approvers = nodes.filter((n) => n.type === 'approver');
    expect(new Set(approvers.map((n) => n.mode))).toEqual(new Set(['sequential', 'all', 'any']));
    expect(nodes.some((n) => n.type === 'automatic' && n.action.type === 'rules')).toBe(true);
    expect(
      nodes.some(
        (n) =>
          n.type === 'automatic' &&
          n.waitForResult &&
          n.action.type === 'connector' &&
          n.action.connector === 'oa' &&
          n.action.operation === 'push-case',
      ),
    ).toBe(true);
    const policies = new Set(
      [...flows.map((f) => f.timeLimit), ...nodes.map((n) => n.timeLimit)].flatMap((t) =>
        t ? [t.onTimeout.action] : [],
      ),
    );
    expect(policies).toEqual(new Set(['remind', 'escalate', 'transfer', 'auto-approve']));
  });
});

describe('shipped flows against the demo org directory', () => {
  const departments = new Map(org.departments.map((d) => [d.code, d]));
  const staff = new Map(org.staff.map((s) => [s.id, s]));
  const holders = (department: string, role?: string) =>
    org.staff.filter((s) =>
      s.memberships.some(
        (m) => m.department === department && (role === undefined || m.roles.includes(role as OrgRole)),
      ),
    );

  it('every department a flow names exists', () => {
    for (const flow of flows) {
      const named = new Set([flow.department]);
      for (const { node } of flowNodes(flow)) {
        named.add(nodeDepartment(flow, node));
        if (node.type === 'automatic' && node.action.type === 'connector') {
          const dept = node.action.params?.department;
          if (typeof dept === 'string') named.add(dept);
        }
      }
      for (const { department, rule } of assigneeRules(flow)) {
        named.add(department);
        if ('department' in rule && rule.department) named.add(rule.department);
      }
      for (const code of named) expect(departments.has(code), `${flowKey(flow)}: 部门 ${code}`).toBe(true);
    }
  });

  it('every assignee rule resolves to at least one staff member', () => {
    for (const flow of flows) {
      for (const { rule, department, at } of assigneeRules(flow)) {
        const where = `${flowKey(flow)}${at}`;
        switch (rule.type) {
          case 'user':
            for (const id of rule.users) expect(staff.has(id), `${where}: 人员 ${id}`).toBe(true);
            break;
          case 'role':
            expect(
              holders(rule.department ?? department, rule.role).length,
              `${where}: 角色 ${rule.role}`,
            ).toBeGreaterThan(0);
            break;
          case 'department':
            expect(holders(rule.department ?? department).length, where).toBeGreaterThan(0);
            break;
          case 'departmentHead': {
            let code: string | undefined = rule.department ?? department;
            for (let level = 1; level < (rule.level ?? 1); level++) code = departments.get(code!)?.parent;
            const head = code === undefined ? undefined : departments.get(code)?.head;
            expect(head, `${where}: ${code} 的负责人`).toBeDefined();
            expect(
              holders(code!, 'department-head').map((s) => s.id),
              where,
            ).toContain(head);
            break;
          }
          case 'rule':
          case 'ruleSet':
            break;
        }
      }
    }
  });

  it('a user named in a node belongs to that node’s department', () => {
    for (const flow of flows) {
      for (const { rule, department, at } of assigneeRules(flow)) {
        if (rule.type !== 'user') continue;
        for (const id of rule.users) {
          expect(
            staff.get(id)?.memberships.map((m) => m.department),
            `${flowKey(flow)}${at}: ${id}`,
          ).toContain(department);
        }
      }
    }
  });

  it('a 会签 node has at least two people, a claimable task at least two candidates', () => {
    for (const flow of flows) {
      for (const { node, path } of flowNodes(flow)) {
        if (node.type !== 'approver' || (node.mode !== 'all' && !node.claim)) continue;
        const people = new Set<string>();
        // A dispatch rule set's choice depends on the case: its fallback must be able to claim.
        for (const r of node.assignees.map((a) => (a.type === 'ruleSet' ? a.otherwise : a))) {
          if (r.type === 'user') for (const id of r.users) people.add(id);
          if (r.type === 'role')
            for (const s of holders(r.department ?? node.department, r.role)) people.add(s.id);
        }
        expect(people.size, `${flowKey(flow)}${path}`).toBeGreaterThanOrEqual(2);
      }
    }
  });
});

describe('demo org directory (config/org)', () => {
  it('is 临江市: gov at the root, the service administration with its 督查室, every catalog department', () => {
    const byCode = new Map(org.departments.map((d) => [d.code, d]));
    expect(byCode.get('gov')).toMatchObject({ name: '临江市人民政府' });
    expect(byCode.get('gov')?.parent).toBeUndefined();
    expect(byCode.get('admin-service')).toMatchObject({ name: '市政务服务管理局', parent: 'gov' });
    expect(byCode.get('supervision')).toMatchObject({ name: '督查室', parent: 'admin-service' });
    for (const service of catalog.services) {
      for (const d of service.departments) expect(byCode.get(d.code)?.name, service.code).toBe(d.name);
    }
    for (const d of org.departments) {
      const members = org.staff.filter((s) => s.memberships.some((m) => m.department === d.code));
      expect(members.length, d.code).toBeGreaterThanOrEqual(2);
      expect(members.length, d.code).toBeLessThanOrEqual(4);
      const head = members.find((s) => s.id === d.head);
      expect(head?.memberships.find((m) => m.department === d.code)?.roles, d.code).toContain(
        'department-head',
      );
    }
    const supervisors = org.staff.filter((s) => s.memberships.some((m) => m.roles.includes('supervisor')));
    expect(supervisors.length).toBeGreaterThanOrEqual(2);
    for (const s of supervisors) expect(s.memberships.map((m) => m.department)).toEqual(['supervision']);
  });

  it('refuses a broken directory, naming every problem', () => {
    const broken: OrgData = {
      departments: [
        { code: 'gov', name: '临江市人民政府', head: 'st-nobody' },
        { code: 'a', name: '甲部门', parent: 'b', head: 'st-a-1' },
        { code: 'b', name: '乙部门', parent: 'a' },
        { code: 'c', name: '丙部门', parent: 'nowhere', head: 'st-a-1' },
        { code: 'c', name: '丙部门二' },
      ],
      staff: [
        { id: 'st-a-1', name: '张三', memberships: [{ department: 'a', roles: ['clerk'] }] },
        { id: 'st-a-1', name: '李四', memberships: [{ department: 'ghost', roles: ['approver'] }] },
      ],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'org.json');
    writeFileSync(file, JSON.stringify(broken));
    const problems = (() => {
      try {
        loadOrg(file);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'org.json/departments/4/code: 部门编码 c 重复',
      'org.json/staff/1/id: 人员 ID st-a-1 重复',
      'org.json/staff/1/memberships/0/department: 部门 ghost 不存在',
      'org.json/departments/0/head: 负责人 st-nobody 不在人员名单中',
      'org.json/departments/3/parent: 上级部门 nowhere 不存在',
      'org.json/departments/3/head: 负责人 st-a-1 不是本部门（c）的成员',
      'org.json/departments/1/parent: 上级部门形成循环（a → b → a）',
      'org.json/departments/2/parent: 上级部门形成循环（b → a → b）',
    ]);
  });

  it('refuses a document that does not match org.schema.json', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'org-')), 'org.json');
    writeFileSync(
      file,
      JSON.stringify({
        departments: [{ code: 'gov', name: '临江市人民政府' }],
        staff: [{ id: 'ZS', name: '张三', memberships: [] }],
      }),
    );
    expect(() => loadOrg(file)).toThrow(/staff\/0\/id/);
  });
});
