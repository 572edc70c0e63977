import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkClient, createMemoryTokenCache, type DingtalkClient } from '../client';
import { DEMO_DINGTALK_ORG, type DingtalkOrgFixture } from './org';
import { createDingtalkSimulator, type DingtalkSimulator } from './simulator';
import { APP, bigOrg, fetchToken, getJson, postJson } from './testing';

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;

beforeEach(async () => {
  sim = createDingtalkSimulator(APP);
  base = await sim.listen(0);
  client = createDingtalkClient({ ...APP, apiBase: base }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

const topapi = async (path: string, body: unknown) =>
  (await postJson(base, path, body, { access_token: await fetchToken(base) })).body;

describe('departments', () => {
  it('listsub answers direct children of the root by default, with the public-doc fields', async () => {
    expect(await topapi('/topapi/v2/department/listsub', {})).toMatchObject({
      errcode: 0,
      result: [
        {
          dept_id: 10,
          name: '市政务服务管理局',
          parent_id: 1,
          create_dept_group: false,
          auto_add_user: false,
        },
        { dept_id: 20, name: '市市场监督管理局', parent_id: 1 },
      ],
    });
    expect(await client.listSubDepartments(10)).toEqual([{ deptId: 11, name: '综合受理科', parentId: 10 }]);
  });

  it('listAllDepartments walks the tree, parents before children', async () => {
    expect((await client.listAllDepartments()).map((d) => d.deptId)).toEqual([10, 20, 11]);
  });

  it('department/get carries the leaders (dept_manager_userid_list); the root has no parent_id', async () => {
    expect(await client.getDepartment(11)).toMatchObject({
      deptId: 11,
      parentId: 10,
      managerUserids: ['lina'],
    });
    const root = await topapi('/topapi/v2/department/get', { dept_id: 1 });
    expect(root.result).toMatchObject({ dept_id: 1, dept_manager_userid_list: ['mayor'] });
    expect(root.result).not.toHaveProperty('parent_id');
  });

  it('unknown departments are 60003; bad ids 400002; a missing id 88/40000', async () => {
    await expect(client.getDepartment(999)).rejects.toMatchObject({ errcode: 60003 });
    expect((await topapi('/topapi/v2/department/listsub', { dept_id: 'x' })).errcode).toBe(400002);
    expect(await topapi('/topapi/v2/department/get', {})).toMatchObject({ errcode: 88, sub_code: '40000' });
  });
});

describe('members', () => {
  it('user/get answers both ids, departments and leader_in_dept', async () => {
    expect(await client.getUser('wangfang')).toMatchObject({
      userid: 'wangfang',
      unionid: 'u-wangfang',
      deptIdList: [20, 11],
      leaderInDept: [
        { deptId: 20, leader: true },
        { deptId: 11, leader: false },
      ],
      active: true,
    });
    expect(await client.getUser('liuyang')).toMatchObject({ managerUserid: 'lina', title: '窗口受理员' });
    await expect(client.getUser('ghost')).rejects.toMatchObject({ errcode: 60121 });
  });

  it('user/list pages with cursor and size ≤ 100', async () => {
    sim.setOrg(bigOrg(250));
    const first = await client.listDepartmentUsers(2, { cursor: 0, size: 100 });
    expect(first).toMatchObject({ hasMore: true, nextCursor: 100 });
    expect(first.users).toHaveLength(100);
    expect(first.users[0]).toMatchObject({ userid: 'u0001', leaderInDept: [{ deptId: 2, leader: true }] });
    const last = await client.listDepartmentUsers(2, { cursor: 200, size: 100 });
    expect(last.hasMore).toBe(false);
    expect(last).not.toHaveProperty('nextCursor');
    expect(last.users.map((u) => u.userid).at(-1)).toBe('u0250');

    const all = await client.listAllDepartmentUsers(2, 30);
    expect(all).toHaveLength(250);
    expect(new Set(all.map((u) => u.userid)).size).toBe(250);
    expect(sim.stats().byPath['/topapi/v2/user/list']).toBe(2 + 9);
  });

  it('user/list checks its parameters', async () => {
    expect((await topapi('/topapi/v2/user/list', { dept_id: 11, cursor: 0, size: 101 })).errcode).toBe(
      400002,
    );
    expect((await topapi('/topapi/v2/user/list', { dept_id: 11, cursor: -1, size: 10 })).errcode).toBe(
      400002,
    );
    expect(await topapi('/topapi/v2/user/list', { dept_id: 11 })).toMatchObject({
      errcode: 88,
      sub_code: '40000',
    });
    expect((await topapi('/topapi/v2/user/list', { dept_id: 404, cursor: 0, size: 10 })).errcode).toBe(60003);
  });

  it('user/listid answers the direct members', async () => {
    expect(await client.listDepartmentUserIds(10)).toEqual(['zhangwei']);
  });
});

describe('setOrg (for org sync tests: added, moved, left)', () => {
  it('replaces the org served by every endpoint', async () => {
    const next: DingtalkOrgFixture = structuredClone(DEMO_DINGTALK_ORG);
    next.users = next.users.filter((u) => u.userid !== 'liuyang'); // left
    const lina = next.users.find((u) => u.userid === 'lina')!;
    lina.deptIds = [20]; // moved
    next.departments.find((d) => d.deptId === 11)!.managerUserids = [];
    next.users.push({ userid: 'newbie', unionid: 'u-newbie', name: '新人', deptIds: [11] }); // added
    sim.setOrg(next);
    expect(await client.listDepartmentUserIds(11)).toEqual(['wangfang', 'newbie']);
    expect((await client.getUser('lina')).deptIdList).toEqual([20]);
    await expect(client.getUser('liuyang')).rejects.toMatchObject({ errcode: 60121 });
    expect(sim.getOrg().users).toHaveLength(5);
  });

  it('refuses inconsistent fixtures, in code and over HTTP', async () => {
    const cycle = structuredClone(DEMO_DINGTALK_ORG);
    cycle.departments.push({ deptId: 30, name: 'a', parentId: 31 }, { deptId: 31, name: 'b', parentId: 30 });
    expect(() => sim.setOrg(cycle)).toThrow(/cycle|parent/);
    const badLeader = structuredClone(DEMO_DINGTALK_ORG);
    badLeader.departments[1]!.managerUserids = ['ghost'];
    expect(() => sim.setOrg(badLeader)).toThrow(/ghost/);
    const put = await postJson(base, '/__sandbox/org', { departments: [], users: [] }, {}, 'PUT');
    expect(put.status).toBe(400);
    expect((await postJson(base, '/__sandbox/org', bigOrg(3), {}, 'PUT')).status).toBe(200);
    expect(((await getJson(base, '/__sandbox/org')).body.users as unknown[]).length).toBe(3);
  });
});
