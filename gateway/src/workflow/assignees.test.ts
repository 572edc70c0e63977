import { describe, expect, it } from 'vitest';
import { isPlainAssigneeRule, type OrgLookup, resolveAssignees } from './assignees';

const members: Record<string, Record<string, string[]>> = {
  civil: {
    'st-civil-clerk-1': ['clerk'],
    'st-civil-clerk-2': ['clerk'],
    'st-civil-head': ['department-head'],
  },
};
const org = {
  staff: (id: string) => (Object.values(members).some((m) => id in m) ? { id, name: id } : undefined),
  withRole: (d: string, role: string) =>
    Object.entries(members[d] ?? {})
      .filter(([, roles]) => roles.includes(role))
      .map(([id]) => id),
  membersOf: (d: string) => Object.keys(members[d] ?? {}),
  headOf: () => 'st-civil-head',
} as unknown as OrgLookup;

describe('assignees chosen by a dispatch rule set', () => {
  const rule = {
    type: 'ruleSet' as const,
    code: 'dispatch.senior-allowance',
    otherwise: { type: 'role' as const, role: 'clerk' },
  };

  it('takes the rule set’s choice, and the fallback when it chooses nothing or nobody active', () => {
    const chosen = resolveAssignees(org, rule, 'civil', {}, () => ({
      type: 'user',
      users: ['st-civil-clerk-2'],
    }));
    expect(chosen).toEqual(['st-civil-clerk-2']);
    expect(resolveAssignees(org, rule, 'civil', {}, () => undefined)).toEqual([
      'st-civil-clerk-1',
      'st-civil-clerk-2',
    ]);
    expect(resolveAssignees(org, rule, 'civil', {}, () => ({ type: 'user', users: ['st-gone'] }))).toEqual([
      'st-civil-clerk-1',
      'st-civil-clerk-2',
    ]);
    // Without rule sets at all (a gateway that has none loaded): the fallback.
    expect(resolveAssignees(org, rule, 'civil', {})).toEqual(['st-civil-clerk-1', 'st-civil-clerk-2']);
  });

  it('accepts only plain assignee rules from a rule set’s outcome', () => {
    expect(isPlainAssigneeRule({ type: 'user', users: ['a'] })).toBe(true);
    expect(isPlainAssigneeRule({ type: 'role', role: 'clerk', department: 'civil' })).toBe(true);
    expect(isPlainAssigneeRule({ type: 'departmentHead', level: 2 })).toBe(true);
    for (const bad of [
      null,
      'st-civil-clerk-1',
      { type: 'user', users: [] },
      { type: 'user', users: [1] },
      { type: 'role' },
      { type: 'departmentHead', level: 9 },
      { type: 'ruleSet', code: 'x', otherwise: { type: 'role', role: 'clerk' } },
      { type: 'rule', cases: [] },
    ])
      expect(isPlainAssigneeRule(bad), JSON.stringify(bad)).toBe(false);
  });
});
