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

/**
 * The assignee rule a published `dispatch` rule set chooses for these facts, or undefined (no such rule
 * set, no rule holds, or its outcome names no simple assignee rule).
 */
export type DispatchRules = (code: string, facts: Facts) => AssigneeRule | undefined;

/**
 * Whether a dispatch outcome's `assignees` is a plain assignee rule (user, role, department, head): what a
 * rule set may choose. Nested rules are left to flows, so that a rule set cannot loop back into itself.
 */
export function isPlainAssigneeRule(value: unknown): value is AssigneeRule {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string' && x.length > 0 && x.length <= 64;
  switch (r.type) {
    case 'user':
      return Array.isArray(r.users) && r.users.length > 0 && r.users.length <= 50 && r.users.every(text);
    case 'role':
      return text(r.role) && (r.department === undefined || text(r.department));
    case 'department':
      return r.department === undefined || text(r.department);
    case 'departmentHead':
      return (
        (r.department === undefined || text(r.department)) &&
        (r.level === undefined ||
          (Number.isInteger(r.level) && (r.level as number) >= 1 && (r.level as number) <= 5))
      );
    default:
      return false;
  }
}

/** The active people a rule names for a node of `department`, in a stable order. */
export function resolveAssignees(
  org: OrgLookup,
  rule: AssigneeRule,
  department: string,
  facts: Facts,
  dispatch?: DispatchRules,
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
        if (fn(facts)) return resolveAssignees(org, c.assignees, department, facts, dispatch);
      }
      return rule.otherwise ? resolveAssignees(org, rule.otherwise, department, facts, dispatch) : [];
    }
    case 'ruleSet': {
      const chosen = dispatch?.(rule.code, facts);
      const people = chosen ? resolveAssignees(org, chosen, department, facts) : [];
      return people.length > 0 ? people : resolveAssignees(org, rule.otherwise, department, facts, dispatch);
    }
  }
}
