import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { orgMigrations } from './org.migrations';
import { OrgRepository } from './org.repository';
import { seedOrg } from './org.seed';
import { OrgDirectory } from './org-directory';
import { fixtureOrg } from './testing/fixture-org';

const T0 = 1_780_000_000_000;

describe(`org repository (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let repo: OrgRepository;
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

  it('reads an empty directory', async () => {
    expect(await repo.readAll()).toEqual({ departments: [], staff: [] });
    expect((await OrgDirectory.load(repo)).toData()).toEqual({ departments: [], staff: [] });
  });

  it('lets two instances seed at once', async () => {
    const results = await Promise.all([
      seedOrg(database.db, fixtureOrg(), T0),
      seedOrg(database.db, fixtureOrg(), T0),
    ]);
    // One wrote everything, the other found nothing left to do.
    expect(results.map((r) => r.departments.added.length).sort()).toEqual([0, 9]);
    expect((await OrgDirectory.load(repo)).toData()).toEqual(OrgDirectory.of(fixtureOrg()).toData());
  });

  it('upserts part of the directory and leaves the rest', async () => {
    const changes = await inTransaction(database.db, (tx) =>
      repo.upsert(
        tx,
        {
          departments: [{ code: 'rsj-shk', name: '社会保险科', parent: 'rsj' }],
          staff: [
            { id: 's-sun', name: '孙丽', memberships: [{ department: 'rsj-shk', roles: ['approver'] }] },
            { id: 's-tang', name: '唐宁', memberships: [{ department: 'rsj-shk', roles: ['clerk'] }] },
          ],
        },
        T0 + 1,
      ),
    );
    expect(changes).toEqual({
      departments: { added: ['rsj-shk'], updated: [], removed: [] },
      staff: { added: ['s-tang'], updated: ['s-sun'], deactivated: [] },
      memberships: { added: 2, removed: 2 },
    });
    const org = await OrgDirectory.load(repo);
    expect(org.descendantsOf('rsj')).toEqual(['rsj', 'rsj-jyk', 'rsj-shk']);
    expect(org.departmentsOf('s-sun')).toEqual(['rsj-shk']);
    expect(org.membersOf('rsj-jyk')).toEqual(['s-han']);
    expect(org.staff('s-wang')?.memberships).toHaveLength(2);
  });

  it('deactivates staff who left, dropping their roles', async () => {
    const left = await inTransaction(database.db, (tx) =>
      repo.deactivateStaff(tx, ['s-tang', 's-nobody'], T0 + 2),
    );
    expect(left).toEqual(['s-tang']);
    expect(await inTransaction(database.db, (tx) => repo.deactivateStaff(tx, ['s-tang'], T0 + 3))).toEqual(
      [],
    );
    const org = await OrgDirectory.load(repo);
    expect(org.staff('s-tang')).toBeUndefined();
    expect(org.membersOf('rsj-shk')).toEqual(['s-sun']);
    expect((await repo.readAll()).staff.find((s) => s.id === 's-tang')?.active).toBe(false);
  });

  it('keeps columns added by later migrations (SSO user ids) through a reseed', async () => {
    await database.db.schema.alterTable('org_staff').addColumn('dingtalk_user_id', 'varchar(64)').execute();
    await database.db
      .updateTable('org_staff')
      .set({ dingtalk_user_id: 'manager4711' })
      .where('id', '=', 's-wang')
      .execute();
    const moved = fixtureOrg();
    moved.staff.find((s) => s.id === 's-wang')!.name = '王志刚';
    const changes = await seedOrg(database.db, moved, T0 + 4);
    expect(changes.staff.updated).toContain('s-wang');
    const row = await database.db
      .selectFrom('org_staff')
      .select(['name', 'dingtalk_user_id'])
      .where('id', '=', 's-wang')
      .executeTakeFirst();
    expect(row).toEqual({ name: '王志刚', dingtalk_user_id: 'manager4711' });
  });

  it('stores names as UTF-8 and writes in chunks beyond one statement', async () => {
    const big = fixtureOrg();
    for (let i = 0; i < 1200; i++) {
      big.staff.push({
        id: `s-bulk-${String(i).padStart(4, '0')}`,
        name: `窗口人员${i}号`,
        memberships: [{ department: 'gaj-hzk', roles: ['clerk', 'approver'] }],
      });
    }
    const changes = await seedOrg(database.db, big, T0 + 5);
    expect(changes.staff.added).toHaveLength(1200);
    expect(changes.memberships.added).toBe(2400);
    const org = await OrgDirectory.load(repo);
    expect(org.withRole('gaj-hzk', 'approver')).toHaveLength(1200);
    expect(org.staff('s-bulk-0042')?.name).toBe('窗口人员42号');
    const count = await sql<{ n: number }>`select count(*) as n from org_memberships`.execute(database.db);
    expect(Number(count.rows[0]?.n)).toBeGreaterThan(2400);
  });
});
