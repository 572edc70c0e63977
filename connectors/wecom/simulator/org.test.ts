import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWecomClient, type WecomClient } from '../client';
import { DEMO_WECOM_ORG } from './org';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { bigOrg, CORP, fetchToken, getJson, postJson } from './testing';

let sim: WecomSimulator;
let base: string;
let client: WecomClient;

beforeEach(async () => {
  sim = createWecomSimulator(CORP);
  base = await sim.listen(0);
  client = createWecomClient({ ...CORP, apiBase: base }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

const api = async (path: string, query: Record<string, string> = {}) =>
  (await getJson(base, path, { access_token: await fetchToken(base), ...query })).body;

describe('GET /cgi-bin/department/list', () => {
  it('answers the whole corp, parents first, with department_leader and parentid', async () => {
    const body = await api('/cgi-bin/department/list');
    expect(body.errcode).toBe(0);
    expect(body.department).toEqual([
      { id: 1, name: '临江市人民政府', department_leader: ['ZhouJianGuo'], parentid: 0, order: 0 },
      { id: 2, name: '市政务服务管理局', department_leader: ['ZhangWei'], parentid: 1, order: 100 },
      { id: 4, name: '市人力资源和社会保障局', department_leader: [], parentid: 1, order: 90 },
      { id: 3, name: '综合受理科', department_leader: ['LiNa'], parentid: 2, order: 50 },
    ]);
  });

  it('with id: that department and its subtree; unknown or malformed ids 60003', async () => {
    expect((await client.listDepartments(2)).map((d) => [d.id, d.leaders])).toEqual([
      [2, ['ZhangWei']],
      [3, ['LiNa']],
    ]);
    await expect(client.listDepartments(99)).rejects.toMatchObject({ errcode: 60003 });
    expect((await api('/cgi-bin/department/list', { id: 'abc' })).errcode).toBe(60003);
  });
});

describe('members', () => {
  it('user/list answers direct members with is_leader_in_dept aligned to department', async () => {
    const body = await api('/cgi-bin/user/list', { department_id: '3' });
    expect(body.userlist).toEqual([
      expect.objectContaining({
        userid: 'LiNa',
        department: [3, 4],
        is_leader_in_dept: [1, 0],
        main_department: 3,
      }),
      expect.objectContaining({
        userid: 'LiuYang',
        department: [3],
        is_leader_in_dept: [0],
        direct_leader: ['LiNa'],
      }),
    ]);
    const [lina] = await client.listDepartmentMembers(3);
    expect(lina).toMatchObject({
      userid: 'LiNa',
      leaderOf: [3],
      departments: [3, 4],
      position: '科长',
      status: 1,
    });
  });

  it('user/simplelist, user/get; unknown department 60003, unknown user 60111', async () => {
    expect((await api('/cgi-bin/user/simplelist', { department_id: '2' })).userlist).toEqual([
      { userid: 'ZhangWei', name: '张伟', department: [2] },
    ]);
    expect(await client.getMember('ZhangWei')).toMatchObject({
      leaderOf: [2],
      directLeaders: ['ZhouJianGuo'],
    });
    await expect(client.getMember('ghost')).rejects.toMatchObject({ errcode: 60111 });
    expect((await api('/cgi-bin/user/list')).errcode).toBe(60003);
    expect((await api('/cgi-bin/user/list', { department_id: '77' })).errcode).toBe(60003);
  });

  it('user/list_id pages (userid, department) pairs with an opaque cursor; empty next_cursor at the end', async () => {
    sim.setOrg(bigOrg(120)); // 240 pairs
    const first = await client.listUserIds({ limit: 100 });
    expect(first.entries).toHaveLength(100);
    expect(first.entries[0]).toEqual({ userid: 'u0001', department: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await client.listAllUserIds(100);
    expect(all).toHaveLength(240);
    expect(new Set(all.map((e) => `${e.userid}/${e.department}`)).size).toBe(240);
    const token = await fetchToken(base);
    const last = await postJson(
      base,
      '/cgi-bin/user/list_id',
      { cursor: first.nextCursor, limit: 1000 },
      { access_token: token },
    );
    expect(last.body).toMatchObject({ errcode: 0, next_cursor: '' });
    expect(
      (await postJson(base, '/cgi-bin/user/list_id', { limit: 10_001 }, { access_token: token })).body
        .errcode,
    ).toBe(40058);
    expect(
      (await postJson(base, '/cgi-bin/user/list_id', { cursor: '!!' }, { access_token: token })).body.errcode,
    ).toBe(40058);
  });
});

describe('setOrg', () => {
  it('moves, removals and additions show on every endpoint', async () => {
    const next = structuredClone(DEMO_WECOM_ORG);
    next.users = next.users.filter((u) => u.userid !== 'LiuYang');
    next.users.find((u) => u.userid === 'LiNa')!.departments = [4];
    delete next.users.find((u) => u.userid === 'LiNa')!.mainDepartment;
    next.departments.find((d) => d.id === 3)!.leaders = [];
    next.departments.find((d) => d.id === 4)!.leaders = ['LiNa'];
    next.users.push({ userid: 'XinRen', name: '新人', departments: [3] });
    sim.setOrg(next);
    expect((await client.listDepartmentMembers(3)).map((m) => m.userid)).toEqual(['XinRen']);
    expect(await client.getMember('LiNa')).toMatchObject({ departments: [4], leaderOf: [4] });
    await expect(client.getMember('LiuYang')).rejects.toMatchObject({ errcode: 60111 });
  });

  it('refuses inconsistent fixtures', async () => {
    const bad = structuredClone(DEMO_WECOM_ORG);
    bad.departments[2]!.leaders = ['ghost'];
    expect(() => sim.setOrg(bad)).toThrow(/ghost/);
    const noRoot = { departments: [{ id: 2, name: 'x', parentId: 1 }], users: [] };
    expect((await postJson(base, '/__sandbox/org', noRoot, {}, 'PUT')).status).toBe(400);
    expect((await postJson(base, '/__sandbox/org', bigOrg(2), {}, 'PUT')).status).toBe(200);
    expect(sim.getOrg().users).toHaveLength(2);
  });
});
