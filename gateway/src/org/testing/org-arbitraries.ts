/**
 * fast-check generators of org data. Test support only: nothing in the gateway imports this file.
 */
import fc from 'fast-check';
import { ORG_ROLES, type OrgData, SEPARATED_ADMIN_ROLES } from '../org.types';

const WORK_ROLES = ORG_ROLES.filter((r) => !(SEPARATED_ADMIN_ROLES as readonly string[]).includes(r));

const NAMES = ['赵一鸣', '钱晓', '孙立', '李安', '周舟', '吴越', '郑和平', '王芳', '冯远', '陈晨'];
const DEPARTMENT_NAMES = ['办公室', '审批科', '督查室', '就业科', '户政科', '综合科', '窗口一组'];

/** A valid org: parents only point at earlier departments (a forest), heads and memberships are known. */
export const validOrg = (maxDepartments = 8, maxStaff = 8): fc.Arbitrary<OrgData> =>
  fc
    .record({
      departments: fc.array(
        fc.record({
          parent: fc.option(fc.nat(), { nil: undefined }),
          head: fc.option(fc.nat(), { nil: undefined }),
          name: fc.constantFrom(...DEPARTMENT_NAMES),
        }),
        { minLength: 1, maxLength: maxDepartments },
      ),
      staff: fc.array(
        fc.record({
          name: fc.constantFrom(...NAMES),
          memberships: fc.array(
            fc.record({
              department: fc.nat(),
              // The 三员 roles are left out: one person may not hold two of them (checkOrg says so).
              roles: fc.uniqueArray(fc.constantFrom(...WORK_ROLES), { minLength: 1, maxLength: 3 }),
            }),
            { maxLength: 3 },
          ),
        }),
        { maxLength: maxStaff },
      ),
      // Codes drawn from a larger space than indexes, so that seeding two orgs renames and moves things.
      offset: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ departments, staff, offset }): OrgData => {
      const code = (i: number) => `d${i + offset}`;
      const id = (i: number) => `s${i + offset}`;
      const n = departments.length;
      return {
        departments: departments.map((d, i) => ({
          code: code(i),
          name: d.name,
          ...(d.parent !== undefined && i > 0 && { parent: code(d.parent % i) }),
          ...(d.head !== undefined && staff.length > 0 && { head: id(d.head % staff.length) }),
        })),
        staff: staff.map((s, i) => {
          // One membership per department (the seed refuses repeats).
          const byDepartment = new Map(s.memberships.map((m) => [code(m.department % n), m.roles]));
          return {
            id: id(i),
            name: s.name,
            memberships: [...byDepartment].map(([department, roles]) => ({ department, roles })),
          };
        }),
      };
    });

const CODES = ['a', 'b', 'c', 'd', 'e', 'f', '__proto__', 'constructor'];

/**
 * Any org, also one the seed would refuse: unknown parents, cycles, dangling heads and memberships,
 * repeated codes and unknown roles; as an unchecked sync might store it.
 */
export const anyOrg: fc.Arbitrary<OrgData> = fc.record({
  departments: fc.array(
    fc.record(
      {
        code: fc.constantFrom(...CODES),
        name: fc.constantFrom(...DEPARTMENT_NAMES),
        parent: fc.constantFrom(...CODES, 'x'),
        head: fc.constantFrom('s1', 's2', 's3', 'nobody'),
      },
      { requiredKeys: ['code', 'name'] },
    ),
    { maxLength: 8 },
  ),
  staff: fc.array(
    fc.record({
      id: fc.constantFrom('s1', 's2', 's3', 's4', 'toString'),
      name: fc.constantFrom(...NAMES),
      memberships: fc.array(
        fc.record({
          department: fc.constantFrom(...CODES, 'x'),
          roles: fc.array(fc.constantFrom(...ORG_ROLES, 'janitor'), { maxLength: 3 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 6 },
  ),
});
