import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { OrgDataError } from './org.check';
import { orgMigrations } from './org.migrations';
import { type OrgChanges, OrgRepository } from './org.repository';
import { seedOrg } from './org.seed';
import type { OrgData } from './org.types';
import { OrgDirectory } from './org-directory';
import { fixtureOrg, SUPERVISION_OFFICE } from './testing/fixture-org';
import { validOrg } from './testing/org-arbitraries';

const T0 = 1_780_000_000_000;

const NO_CHANGES: OrgChanges = {
  departments: { added: [], updated: [], removed: [] },
  staff: { added: [], updated: [], deactivated: [] },
  memberships: { added: 0, removed: 0 },
};

/** The fixture after a reorganisation: 王志强 moves to 就业科, 审批科 gets 李静怡 as head, 户政科 and 何芳 go. */
function reorganised(): OrgData {
  const data = fixtureOrg();
  data.departments = data.departments.filter((d) => d.code !== 'gaj-hzk');
  const spk = data.departments.find((d) => d.code === 'zwfw-spk')!;
  spk.head = 's-li';
  spk.name = '行政审批科';
  data.staff = data.staff.filter((s) => s.id !== 's-he');
  data.staff.find((s) => s.id === 's-wang')!.memberships = [{ department: 'rsj-jyk', roles: ['approver'] }];
  return data;
}

describe(`seedOrg (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let repo: OrgRepository;
  /** Every stored row, to prove that a no-op seed wrote nothing (not even updated_at). */
  const rows = async () => ({
    departments: await database.db.selectFrom('org_departments').selectAll().orderBy('code').execute(),
    staff: await database.db.selectFrom('org_staff').selectAll().orderBy('id').execute(),
    memberships: await database.db
      .selectFrom('org_memberships')
      .selectAll()
      .orderBy('staff_id')
      .orderBy('department_code')
      .orderBy('role')
      .execute(),
  });

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, orgMigrations);
    repo = new OrgRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('seeds the fixture, and seeding it again changes nothing', async () => {
    const first = await seedOrg(database.db, fixtureOrg(), T0);
    expect(first.departments.added).toHaveLength(9);
    expect(first.staff.added).toHaveLength(13);
    expect(first.memberships).toEqual({ added: 19, removed: 0 });
    const before = await rows();

    expect(await seedOrg(database.db, fixtureOrg(), T0 + 1000)).toEqual(NO_CHANGES);
    expect(await rows()).toEqual(before);

    const org = await OrgDirectory.load(repo, { supervisionOffice: SUPERVISION_OFFICE });
    expect(org.toData()).toEqual(OrgDirectory.of(fixtureOrg()).toData());
    expect(org.headOf('zwfw-spk-1', 2)).toBe('s-wu');
    expect(org.supervisorsOf('gaj-hzk')).toEqual(['s-feng', 's-qin', 's-zheng']);
  });

  it('applies a reorganisation: moves a member, changes a head, removes and deactivates', async () => {
    const org = await OrgDirectory.load(repo);
    expect(org.withRole('zwfw-spk', 'approver')).toEqual(['s-wang', 's-wu']);

    const changes = await seedOrg(database.db, reorganised(), T0 + 2000);
    expect(changes).toEqual({
      departments: { added: [], updated: ['zwfw-spk'], removed: ['gaj-hzk'] },
      staff: { added: [], updated: ['s-wang'], deactivated: ['s-he'] },
      memberships: { added: 1, removed: 3 },
    });
    // Only the changed rows carry the new time.
    const stored = await rows();
    const changed = (list: Record<string, unknown>[], key: string) =>
      list.filter((r) => Number(r.updated_at) === T0 + 2000).map((r) => r[key]);
    expect(changed(stored.departments, 'code')).toEqual(['zwfw-spk']);
    expect(changed(stored.staff, 'id')).toEqual(['s-he', 's-wang']);

    // A loaded directory sees the change only after reload().
    expect(org.headOf('zwfw-spk')).toBe('s-wu');
    await org.reload();
    expect(org.headOf('zwfw-spk')).toBe('s-li');
    expect(org.department('zwfw-spk')?.name).toBe('行政审批科');
    expect(org.withRole('zwfw-spk', 'approver')).toEqual(['s-wu']);
    expect(org.withRole('rsj-jyk', 'approver')).toEqual(['s-sun', 's-wang']);
    expect(org.departmentsOf('s-wang')).toEqual(['rsj-jyk']);
    expect(org.department('gaj-hzk')).toBeUndefined();
    expect(org.staff('s-he')).toBeUndefined();
    expect(org.toData()).toEqual(OrgDirectory.of(reorganised()).toData());

    const he = (await repo.readAll()).staff.find((s) => s.id === 's-he');
    expect(he).toEqual({ id: 's-he', name: '何芳', active: false, memberships: [] });

    expect(await seedOrg(database.db, reorganised(), T0 + 3000)).toEqual(NO_CHANGES);

    // Back again: 何芳 is reactivated (updated, not added) with her membership.
    const back = await seedOrg(database.db, fixtureOrg(), T0 + 4000);
    expect(back.departments.added).toEqual(['gaj-hzk']);
    expect(back.staff).toEqual({ added: [], updated: ['s-he', 's-wang'], deactivated: [] });
    await org.reload();
    expect(org.toData()).toEqual(OrgDirectory.of(fixtureOrg()).toData());
  });

  it('refuses data with problems before writing anything', async () => {
    const before = await rows();
    const bad = fixtureOrg();
    bad.departments.push({ code: 'zwfw-xxk', name: '信息科', parent: 'nowhere', head: 's-ghost' });
    bad.staff.push({
      id: 's-new',
      name: '新人',
      memberships: [{ department: 'zwfw-xxk', roles: ['janitor'] }],
    });
    const error = await seedOrg(database.db, bad, T0 + 5000).catch((e) => e);
    expect(error).toBeInstanceOf(OrgDataError);
    expect((error as OrgDataError).problems.map((p) => p.pointer)).toEqual([
      '/staff/13/memberships/0/roles/0',
      '/departments/9/parent',
      '/departments/9/head',
    ]);
    expect((error as Error).message).toMatch(/^组织架构数据有 3 处问题/);
    expect(await rows()).toEqual(before);
  });

  it('ends equal to the last org seeded, whatever came before', async () => {
    await fc.assert(
      fc.asyncProperty(validOrg(), validOrg(), async (a, b) => {
        await seedOrg(database.db, a, T0);
        await seedOrg(database.db, b, T0 + 1);
        const org = await OrgDirectory.load(repo);
        expect(org.toData()).toEqual(OrgDirectory.of(b).toData());
        expect(await seedOrg(database.db, b, T0 + 2)).toEqual(NO_CHANGES);
      }),
      { numRuns: dialect === 'mysql' ? 15 : 40 },
    );
  });
});
