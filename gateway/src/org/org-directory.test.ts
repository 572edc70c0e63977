import { describe, expect, it } from 'vitest';
import { OrgDirectory } from './org-directory';
import { fixtureOrg, SUPERVISION_OFFICE } from './testing/fixture-org';

const org = OrgDirectory.of(fixtureOrg(), { supervisionOffice: SUPERVISION_OFFICE });

describe('OrgDirectory look-ups', () => {
  it('finds departments and active staff', () => {
    expect(org.department('zwfw-spk')).toEqual({
      code: 'zwfw-spk',
      name: '审批科',
      parent: 'zwfw',
      head: 's-wu',
    });
    expect(org.department('zwfw')).toEqual({ code: 'zwfw', name: '政务服务管理办公室', head: 's-zhou' });
    expect(org.staff('s-wang')).toEqual({
      id: 's-wang',
      name: '王志强',
      memberships: [
        { department: 'zwfw-spk', roles: ['approver'] },
        { department: 'zwfw-spk-1', roles: ['clerk'] },
      ],
    });
    expect(org.staff('s-lu')).toEqual({ id: 's-lu', name: '陆平', memberships: [] });
  });

  it('lists members and role holders of the department itself, sorted by id', () => {
    expect(org.membersOf('zwfw-spk')).toEqual(['s-wang', 's-wu']);
    expect(org.membersOf('zwfw')).toEqual(['s-zhou']);
    expect(org.withRole('zwfw-spk', 'approver')).toEqual(['s-wang', 's-wu']);
    expect(org.withRole('zwfw-spk-1', 'approver')).toEqual(['s-li']);
    expect(org.withRole('zwfw-spk-1', 'clerk')).toEqual(['s-li', 's-wang']);
    expect(org.withRole('zwfw-spk', 'supervisor')).toEqual([]);
  });

  it('gives the head per level without skipping a level that has none', () => {
    expect(org.headOf('zwfw-spk')).toBe('s-wu');
    expect(org.headOf('zwfw-spk', 1)).toBe('s-wu');
    expect(org.headOf('zwfw-spk', 2)).toBe('s-zhou');
    expect(org.headOf('zwfw-spk', 3)).toBeUndefined();
    // 审批一组 has no head: level 1 is empty, level 2 is its parent's head.
    expect(org.headOf('zwfw-spk-1')).toBeUndefined();
    expect(org.headOf('zwfw-spk-1', 2)).toBe('s-wu');
    expect(org.headOf('zwfw-spk-1', 3)).toBe('s-zhou');
    for (const level of [0, -1, 1.5, Number.NaN]) expect(org.headOf('zwfw-spk', level)).toBeUndefined();
  });

  it('answers departments and roles of a staff member', () => {
    expect(org.departmentsOf('s-wang')).toEqual(['zwfw-spk', 'zwfw-spk-1']);
    expect(org.departmentsOf('s-lu')).toEqual([]);
    expect(org.rolesOf('s-li')).toEqual(['clerk', 'approver']);
    expect(org.rolesOf('s-wang')).toEqual(['clerk', 'approver']);
    expect(org.rolesOf('s-wang', 'zwfw-spk')).toEqual(['approver']);
    expect(org.rolesOf('s-wang', 'rsj')).toEqual([]);
    expect(org.hasRole('s-han', 'supervisor')).toBe(true);
    expect(org.hasRole('s-han', 'supervisor', 'rsj')).toBe(true);
    expect(org.hasRole('s-han', 'supervisor', 'rsj-jyk')).toBe(false);
  });

  it('lists a department and everything below it, depth first', () => {
    expect(org.descendantsOf('zwfw')).toEqual(['zwfw', 'zwfw-dcs', 'zwfw-dcs-1', 'zwfw-spk', 'zwfw-spk-1']);
    expect(org.descendantsOf('zwfw-spk-1')).toEqual(['zwfw-spk-1']);
    expect(org.descendantsOf('zwfw')).toBe(org.descendantsOf('zwfw')); // cached
  });

  it('checks membership, optionally including children', () => {
    expect(org.isMember('s-li', 'zwfw-spk-1')).toBe(true);
    expect(org.isMember('s-li', 'zwfw-spk')).toBe(false);
    expect(org.isMember('s-li', 'zwfw-spk', { includeChildren: true })).toBe(true);
    expect(org.isMember('s-li', 'zwfw', { includeChildren: true })).toBe(true);
    expect(org.isMember('s-li', 'rsj', { includeChildren: true })).toBe(false);
    expect(org.isMember('s-lu', 'zwfw', { includeChildren: true })).toBe(false);
  });

  it('finds supervisors up the tree, else in the supervision office', () => {
    expect(org.supervisorsOf('zwfw-dcs')).toEqual(['s-feng', 's-zheng']);
    expect(org.supervisorsOf('zwfw-dcs-1')).toEqual(['s-qin']);
    // 就业科 has none; its parent 人社局 has 韩冬.
    expect(org.supervisorsOf('rsj-jyk')).toEqual(['s-han']);
    // Nobody up from 户政科 or 审批一组: the whole supervision office.
    expect(org.supervisorsOf('gaj-hzk')).toEqual(['s-feng', 's-qin', 's-zheng']);
    expect(org.supervisorsOf('zwfw-spk-1')).toEqual(['s-feng', 's-qin', 's-zheng']);
    const noOffice = OrgDirectory.of(fixtureOrg());
    expect(noOffice.supervisorsOf('gaj-hzk')).toEqual([]);
    expect(noOffice.supervisorsOf('rsj-jyk')).toEqual(['s-han']);
  });

  it('never throws on unknown codes', () => {
    for (const code of ['nope', '', '__proto__', 'constructor', 'toString']) {
      expect(org.department(code)).toBeUndefined();
      expect(org.staff(code)).toBeUndefined();
      expect(org.membersOf(code)).toEqual([]);
      expect(org.withRole(code, 'clerk')).toEqual([]);
      expect(org.withRole('zwfw-spk', code)).toEqual([]);
      expect(org.headOf(code)).toBeUndefined();
      expect(org.headOf(code, 2)).toBeUndefined();
      expect(org.departmentsOf(code)).toEqual([]);
      expect(org.rolesOf(code)).toEqual([]);
      expect(org.rolesOf('s-wang', code)).toEqual([]);
      expect(org.hasRole(code, 'clerk')).toBe(false);
      expect(org.descendantsOf(code)).toEqual([]);
      expect(org.isMember('s-wang', code, { includeChildren: true })).toBe(false);
      expect(org.isMember(code, 'zwfw', { includeChildren: true })).toBe(false);
      expect(org.supervisorsOf(code)).toEqual([]);
    }
  });

  it('hands out frozen values', () => {
    expect(Object.isFrozen(org.withRole('zwfw-spk', 'approver'))).toBe(true);
    expect(Object.isFrozen(org.membersOf('nope'))).toBe(true);
    expect(Object.isFrozen(org.departmentsOf('s-wang'))).toBe(true);
    expect(Object.isFrozen(org.staff('s-wang')?.memberships[0]?.roles)).toBe(true);
    expect(Object.isFrozen(org.department('zwfw'))).toBe(true);
  });

  it('tolerates what an unchecked sync could store: dangling references and a cycle', () => {
    const broken = OrgDirectory.of({
      departments: [
        { code: 'a', name: '甲', parent: 'b', head: 'ghost' },
        { code: 'b', name: '乙', parent: 'a', head: 's1' },
        { code: 'c', name: '丙', parent: 'missing' },
      ],
      staff: [
        {
          id: 's1',
          name: '赵一',
          memberships: [
            { department: 'a', roles: ['supervisor'] },
            { department: 'missing', roles: ['clerk'] },
          ],
        },
      ],
    });
    expect(broken.descendantsOf('a')).toEqual(['a', 'b']);
    expect(broken.headOf('a')).toBeUndefined(); // its head is unknown
    expect(broken.headOf('a', 2)).toBe('s1');
    expect(broken.headOf('a', 3)).toBeUndefined(); // the cycle ends the chain
    expect(broken.supervisorsOf('b')).toEqual(['s1']);
    expect(broken.departmentsOf('s1')).toEqual(['a']);
    expect(broken.descendantsOf('c')).toEqual(['c']);
    expect(broken.isMember('s1', 'c', { includeChildren: true })).toBe(false);
  });

  it('exports itself as data and refuses to reload without a repository', async () => {
    const data = org.toData();
    expect(data.departments.map((d) => d.code)).toEqual([...data.departments.map((d) => d.code)].sort());
    expect(OrgDirectory.of(data).toData()).toEqual(data);
    await expect(org.reload()).rejects.toThrow(/no repository/);
  });
});
