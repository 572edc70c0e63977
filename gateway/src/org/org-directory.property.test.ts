import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrgDirectory } from './org-directory';
import { anyOrg, validOrg } from './testing/org-arbitraries';

describe('OrgDirectory properties', () => {
  it('descendantsOf(d) starts with d, holds no repeats and only known departments', () => {
    fc.assert(
      fc.property(fc.oneof(anyOrg, validOrg()), (data) => {
        const org = OrgDirectory.of(data);
        for (const { code } of data.departments) {
          const below = org.descendantsOf(code);
          expect(below[0]).toBe(code);
          expect(new Set(below).size).toBe(below.length);
          for (const d of below) expect(org.department(d)).toBeDefined();
        }
      }),
    );
  });

  it("every member's departments are known, and look-ups agree with each other", () => {
    fc.assert(
      fc.property(fc.oneof(anyOrg, validOrg()), (data) => {
        const org = OrgDirectory.of(data);
        const codes = [...new Set([...data.departments.map((d) => d.code), 'x', 'missing'])];
        for (const s of data.staff) {
          const own = org.departmentsOf(s.id);
          for (const d of own) {
            expect(org.department(d)).toBeDefined();
            expect(org.membersOf(d)).toContain(s.id);
            for (const role of org.rolesOf(s.id, d)) expect(org.withRole(d, role)).toContain(s.id);
          }
          for (const d of codes) {
            const inTree = own.some((o) => org.descendantsOf(d).includes(o));
            expect(org.isMember(s.id, d, { includeChildren: true })).toBe(inTree);
            expect(org.isMember(s.id, d)).toBe(own.includes(d));
          }
        }
        for (const d of codes) {
          for (const id of org.membersOf(d)) expect(org.departmentsOf(id)).toContain(d);
          const head = org.headOf(d);
          if (head !== undefined) expect(org.staff(head)).toBeDefined();
          for (const id of org.supervisorsOf(d)) expect(org.hasRole(id, 'supervisor')).toBe(true);
        }
      }),
    );
  });
});
