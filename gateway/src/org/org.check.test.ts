import { describe, expect, it } from 'vitest';
import { checkOrg } from './org.check';
import type { OrgData } from './org.types';
import { fixtureOrg } from './testing/fixture-org';

const messages = (data: OrgData) => checkOrg(data).map((p) => `${p.pointer} ${p.message}`);

describe('checkOrg', () => {
  it('accepts the fixture', () => {
    expect(checkOrg(fixtureOrg())).toEqual([]);
  });

  it('reports bad and repeated codes, ids and names', () => {
    expect(
      messages({
        departments: [
          { code: 'a', name: '甲' },
          { code: 'a', name: ' ' },
          { code: 'b c', name: '乙' },
          { code: 'x'.repeat(65), name: '丙'.repeat(129) },
        ],
        staff: [
          { id: 's1', name: '赵一', memberships: [] },
          { id: 's1', name: '', memberships: [] },
        ],
      }),
    ).toEqual([
      '/departments/1/code 部门编码 a 重复（另见 /departments/0）',
      '/departments/1/name 部门名称不能为空',
      '/departments/2/code 部门编码 "b c" 无效：限 64 个字母、数字或 _.@:- 字符',
      `/departments/3/code 部门编码 "${'x'.repeat(65)}" 无效：限 64 个字母、数字或 _.@:- 字符`,
      '/departments/3/name 部门名称超过 128 个字',
      '/staff/1/id 人员编号 s1 重复（另见 /staff/0）',
      '/staff/1/name 姓名不能为空',
    ]);
  });

  it('refuses one person holding two of the three separated admin roles (三员分立)', () => {
    const problems = checkOrg({
      departments: [{ code: 'a', name: '信息中心' }],
      staff: [
        {
          id: 's1',
          name: '赵一鸣',
          memberships: [{ department: 'a', roles: ['system-admin', 'audit-admin'] }],
        },
        { id: 's2', name: '钱晓', memberships: [{ department: 'a', roles: ['security-admin', 'clerk'] }] },
      ],
    });
    expect(problems.map((p) => `${p.pointer} ${p.message}`)).toEqual([
      '/staff/0/memberships/0/roles/1 三员分立：同一人员不能同时担任 system-admin 与 audit-admin',
    ]);
  });

  it('reports memberships in unknown departments, without roles, with unknown or repeated roles', () => {
    expect(
      messages({
        departments: [{ code: 'a', name: '甲' }],
        staff: [
          {
            id: 's1',
            name: '赵一',
            memberships: [
              { department: 'nope', roles: ['clerk'] },
              { department: 'a', roles: [] },
              { department: 'a', roles: ['clerk', 'janitor', 'clerk'] },
            ],
          },
        ],
      }),
    ).toEqual([
      '/staff/0/memberships/0/department 部门 nope 不存在',
      '/staff/0/memberships/1/roles 至少需要一个角色（普通成员为 clerk）',
      '/staff/0/memberships/2/department 部门 a 重复列出，请合并角色',
      '/staff/0/memberships/2/roles/1 角色 janitor 无效，可选：clerk、approver、department-head、supervisor、report-viewer、system-admin、security-admin、audit-admin',
      '/staff/0/memberships/2/roles/2 角色 clerk 重复',
    ]);
  });

  it('reports unknown parents and heads, and each cycle once', () => {
    expect(
      messages({
        departments: [
          { code: 'c', name: '丙', parent: 'a' },
          { code: 'a', name: '甲', parent: 'b' },
          { code: 'b', name: '乙', parent: 'c', head: 'ghost' },
          { code: 'd', name: '丁', parent: 'd' },
          { code: 'e', name: '戊', parent: 'a' },
          { code: 'f', name: '己', parent: 'nowhere' },
        ],
        staff: [],
      }),
    ).toEqual([
      '/departments/2/head 负责人 ghost 不在人员名单中',
      '/departments/5/parent 上级部门 nowhere 不存在',
      '/departments/1/parent 上级关系成环：a → b → c → a',
      '/departments/3/parent 上级关系成环：d → d',
    ]);
  });

  it('reports a document without the two arrays', () => {
    expect(checkOrg({} as OrgData)).toEqual([{ pointer: '', message: '需要 departments 和 staff 两个数组' }]);
  });
});
