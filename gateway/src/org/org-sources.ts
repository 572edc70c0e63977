import type { DingtalkClient } from '@gcrm/connectors/dingtalk';
import type { WecomClient } from '@gcrm/connectors/wecom';
import type { ExternalOrg, OrgSource } from './org-sync';

/** DingTalk's org through its connector: every department (with its 主管) and every member. */
export function dingtalkOrgSource(client: DingtalkClient, rootId = 1): OrgSource {
  return {
    provider: 'dingtalk',
    async fetch(): Promise<ExternalOrg> {
      const listed = await client.listAllDepartments();
      const ids = [rootId, ...listed.map((d) => d.deptId).filter((id) => id !== rootId)];
      const details = [];
      for (const id of ids) details.push(await client.getDepartment(id));
      const users = new Map<
        string,
        { userId: string; unionId?: string; name: string; departmentIds: string[] }
      >();
      for (const d of details) {
        for (const u of await client.listAllDepartmentUsers(d.deptId)) {
          users.set(u.userid, {
            userId: u.userid,
            unionId: u.unionid,
            name: u.name,
            departmentIds: u.deptIdList.map(String),
          });
        }
      }
      return {
        departments: details.map((d) => ({
          id: String(d.deptId),
          name: d.name,
          parentId: d.parentId !== undefined && d.deptId !== rootId ? String(d.parentId) : undefined,
          leaderUserIds: d.managerUserids,
        })),
        users: [...users.values()],
      };
    },
  };
}

/** WeCom's org through its connector: departments with their leaders, and their members. */
export function wecomOrgSource(client: WecomClient): OrgSource {
  return {
    provider: 'wecom',
    async fetch(): Promise<ExternalOrg> {
      const departments = await client.listDepartments();
      const ids = new Set(departments.map((d) => d.id));
      const users = new Map<string, { userId: string; name: string; departmentIds: string[] }>();
      for (const d of departments) {
        for (const m of await client.listDepartmentMembers(d.id)) {
          users.set(m.userid, { userId: m.userid, name: m.name, departmentIds: m.departments.map(String) });
        }
      }
      return {
        departments: departments.map((d) => ({
          id: String(d.id),
          name: d.name,
          parentId: ids.has(d.parentId) ? String(d.parentId) : undefined,
          leaderUserIds: d.leaders,
        })),
        users: [...users.values()],
      };
    },
  };
}
