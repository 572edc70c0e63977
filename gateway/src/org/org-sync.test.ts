import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { orgMigrations } from './org.migrations';
import { OrgRepository } from './org.repository';
import { seedOrg } from './org.seed';
import { OrgDirectory } from './org-directory';
import { type ExternalOrg, type OrgSource, OrgSync } from './org-sync';
import { orgSyncMigrations } from './org-sync.migrations';
import { StaffIdentities } from './staff-identities';

const T0 = 1_780_000_000_000;

/** Ours before any sync: a city government with 人社局, and a supervisor G-CRM appointed. */
const ours = {
  departments: [
    { code: 'gov', name: '临江市人民政府' },
    { code: 'hrss', name: '市人力资源和社会保障局', parent: 'gov' },
    { code: 'supervision', name: '督查室', parent: 'gov' },
  ],
  staff: [
    { id: 'st-sup', name: '钱国栋', memberships: [{ department: 'supervision', roles: ['supervisor'] }] },
  ],
};

/** DingTalk's view: numeric ids, its own names, leaders. */
function dingtalk(extra: Partial<ExternalOrg> = {}): ExternalOrg {
  return {
    departments: [
      { id: '1', name: '临江市人民政府', leaderUserIds: [] },
      { id: '20', name: '市人力资源和社会保障局', parentId: '1', leaderUserIds: ['u-gao'] },
      { id: '21', name: '就业科', parentId: '20', leaderUserIds: [] },
    ],
    users: [
      { userId: 'u-gao', unionId: 'un-gao', name: '高秀英', departmentIds: ['20'] },
      { userId: 'u-xu', unionId: 'un-xu', name: '徐丽', departmentIds: ['20'] },
      { userId: 'u-zhu', unionId: 'un-zhu', name: '朱晓东', departmentIds: ['21'] },
    ],
    ...extra,
  };
}

describe(`org sync from DingTalk/WeCom (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let sync: OrgSync;
  let repo: OrgRepository;
  let identities: StaffIdentities;
  let current: ExternalOrg;
  const source: OrgSource = { provider: 'dingtalk', fetch: async () => current };

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, orgMigrations, orgSyncMigrations);
    await seedOrg(database.db, ours, T0);
    repo = new OrgRepository(database.db);
    identities = new StaffIdentities(database.db);
    sync = new OrgSync(database.db, repo, identities);
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('reports without writing in a dry run', async () => {
    current = dingtalk();
    const report = await sync.run(source, { dryRun: true, now: T0 });
    expect(report.staff.added.map((s) => s.name)).toEqual(['高秀英', '徐丽', '朱晓东']);
    expect((await repo.readAll()).staff.map((s) => s.id)).toEqual(['st-sup']);
  });

  it('matches departments by name the first time, adds new ones, links people, makes leaders heads', async () => {
    current = dingtalk();
    const report = await sync.run(source, { now: T0 });
    expect(report.departments.added).toEqual(['dingtalk-21']);
    expect(report.staff.added).toEqual([
      { staffId: 'st-dingtalk-u-gao', name: '高秀英', departments: ['hrss'] },
      { staffId: 'st-dingtalk-u-xu', name: '徐丽', departments: ['hrss'] },
      { staffId: 'st-dingtalk-u-zhu', name: '朱晓东', departments: ['dingtalk-21'] },
    ]);
    const org = await OrgDirectory.load(repo);
    expect(org.headOf('hrss')).toBe('st-dingtalk-u-gao');
    expect(org.rolesOf('st-dingtalk-u-gao', 'hrss')).toEqual(['clerk', 'department-head']);
    expect(org.department('dingtalk-21')).toMatchObject({ name: '就业科', parent: 'hrss' });
    expect(org.rolesOf('st-sup')).toEqual(['supervisor']); // G-CRM's own appointment stays
    expect(await identities.staffOf('dingtalk', 'u-xu')).toBe('st-dingtalk-u-xu');
    expect(await identities.staffOf('dingtalk', 'nobody', 'un-zhu')).toBe('st-dingtalk-u-zhu');
  });

  it('keeps roles given in G-CRM, follows moves, deactivates who left, and is idempotent', async () => {
    // G-CRM makes 徐丽 an approver (not something DingTalk knows).
    const data = (await OrgDirectory.load(repo)).toData();
    const xu = data.staff.find((s) => s.id === 'st-dingtalk-u-xu')!;
    xu.memberships = [{ department: 'hrss', roles: ['clerk', 'approver'] }];
    await seedOrg(database.db, data, T0);

    current = dingtalk({
      users: [
        { userId: 'u-gao', unionId: 'un-gao', name: '高秀英', departmentIds: ['20'] },
        { userId: 'u-xu', unionId: 'un-xu', name: '徐丽', departmentIds: ['20'] },
        { userId: 'u-zhu', unionId: 'un-zhu', name: '朱晓东', departmentIds: ['20'] }, // moved up
        { userId: 'u-new', name: '孙立', departmentIds: ['21'] },
      ],
    });
    let report = await sync.run(source, { now: T0 + 1 });
    expect(report.staff.moved).toEqual([
      { staffId: 'st-dingtalk-u-zhu', name: '朱晓东', from: ['dingtalk-21'], to: ['hrss'] },
    ]);
    expect(report.staff.added.map((s) => s.staffId)).toEqual(['st-dingtalk-u-new']);
    let org = await OrgDirectory.load(repo);
    expect(org.rolesOf('st-dingtalk-u-xu', 'hrss')).toEqual(['clerk', 'approver']);

    current = dingtalk({
      users: [
        { userId: 'u-xu', unionId: 'un-xu', name: '徐丽', departmentIds: ['20'] },
        { userId: 'u-zhu', unionId: 'un-zhu', name: '朱晓东', departmentIds: ['20'] },
        { userId: 'u-new', name: '孙立', departmentIds: ['21'] },
      ],
      departments: [
        { id: '1', name: '临江市人民政府', leaderUserIds: [] },
        { id: '20', name: '市人力资源和社会保障局', parentId: '1', leaderUserIds: [] },
        { id: '21', name: '就业科', parentId: '20', leaderUserIds: [] },
      ],
    });
    report = await sync.run(source, { now: T0 + 2 });
    expect(report.staff.left).toEqual([{ staffId: 'st-dingtalk-u-gao', name: '高秀英' }]);
    org = await OrgDirectory.load(repo);
    expect(org.staff('st-dingtalk-u-gao')).toBeUndefined();
    expect(org.headOf('hrss')).toBeUndefined();

    const again = await sync.run(source, { now: T0 + 3 });
    expect(again.staff).toEqual({ added: [], moved: [], left: [] });
    expect(again.unchanged).toBe(3);
  });
});
