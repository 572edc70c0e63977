import type { AssigneeRule } from '@gcrm/config/catalog';
import { type CompiledCondition, compileCondition, type Facts } from '../platform/conditions';

/** The org directory look-ups assignee rules need (synchronous: an in-memory snapshot). */
export interface OrgLookup {
  staff(id: string): { id: string; name: string } | undefined;
  department(code: string): { code: string; name: string } | undefined;
  membersOf(department: string): readonly string[];
  withRole(department: string, role: string): readonly string[];
  headOf(department: string, level?: number): string | undefined;
  isMember(staffId: string, department: string, query?: { includeChildren?: boolean }): boolean;
  departmentsOf(staffId: string): readonly string[];
  descendantsOf(department: string): readonly string[];
  hasRole(staffId: string, role: string, department?: string): boolean;
  rolesOf(staffId: string, department?: string): readonly string[];
}

const compiled = new WeakMap<object, CompiledCondition>();

/** The active people a rule names for a node of `department`, in a stable order. */
export function resolveAssignees(
  org: OrgLookup,
  rule: AssigneeRule,
  department: string,
  facts: Facts,
): string[] {
  switch (rule.type) {
    case 'user':
      return rule.users.filter((u) => org.staff(u) !== undefined);
    case 'role':
      return [...org.withRole(rule.department ?? department, rule.role)];
    case 'department':
      return [...org.membersOf(rule.department ?? department)];
    case 'departmentHead': {
      const head = org.headOf(rule.department ?? department, rule.level ?? 1);
      return head ? [head] : [];
    }
    case 'rule': {
      for (const c of rule.cases) {
        let fn = compiled.get(c.when);
        if (!fn) {
          fn = compileCondition(c.when as Parameters<typeof compileCondition>[0]);
          compiled.set(c.when, fn);
        }
        if (fn(facts)) return resolveAssignees(org, c.assignees, department, facts);
      }
      return rule.otherwise ? resolveAssignees(org, rule.otherwise, department, facts) : [];
    }
  }
}
