// The dashboard's aggregates on the real dialect (SQLite, or MySQL with DATABASE_URL): rows written
// straight into the workflow and rating tables, a fixed clock, a small org.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { casesMigrations } from '../cases';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { workflowMigrations } from '../workflow';
import { DashboardRepository } from './dashboard.repository';
import { type DashboardOrg, DashboardService } from './dashboard.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Tuesday 2026-03-10, 10:00 in China (02:00 UTC).
const NOW = Date.UTC(2026, 2, 10, 2);
/** An instant given as China wall-clock time. */
const cst = (date: string, time = '12:00') => Date.parse(`${date}T${time}:00+08:00`);

const DEPARTMENTS: Record<string, { name: string; parent?: string }> = {
  gov: { name: '临江市人民政府' },
  hrss: { name: '市人力资源和社会保障局', parent: 'gov' },
  'hrss-centre': { name: '社保服务中心', parent: 'hrss' },
  ps: { name: '市公安局', parent: 'gov' },
  supervision: { name: '督查室', parent: 'gov' },
};
const MEMBERS: Record<string, string[]> = {
  'st-hrss-clerk': ['hrss'],
  'st-centre-clerk': ['hrss-centre'],
  'st-ps-clerk': ['ps'],
  'st-supervisor': ['supervision'],
};

const org: DashboardOrg = {
  department: (code) => (DEPARTMENTS[code] ? { code, ...DEPARTMENTS[code] } : undefined),
  departmentsOf: (id) => MEMBERS[id] ?? [],
  descendantsOf: (code) =>
    DEPARTMENTS[code]
      ? [
          code,
          ...Object.keys(DEPARTMENTS)
            .filter((c) => DEPARTMENTS[c]!.parent === code)
            .flatMap((c) => org.descendantsOf(c)),
        ]
      : [],
  hasRole: (id, role) => role === 'supervisor' && id === 'st-supervisor',
};

describe(`department dashboard aggregates (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let service: DashboardService;

  const instance = (values: {
    department?: string;
    service?: string;
    status?: string;
    accepted?: number | null;
    ended?: number | null;
    due?: number | null;
  }) => {
    const id = randomUUID();
    return {
      id,
      case_id: randomUUID(),
      case_number: `2026${id.slice(0, 8)}`,
      service_code: values.service ?? 'hrss.maternity-allowance',
      citizen_id: randomUUID(),
      flow_id: 'maternity-allowance',
      flow_version: 1,
      department: values.department ?? 'hrss',
      status: values.status ?? 'running',
      accepted_at: values.accepted === undefined ? cst('2026-03-09') : values.accepted,
      started_at: cst('2026-03-01'),
      ended_at: values.ended ?? null,
      due_at: values.due === undefined ? NOW + 5 * DAY : values.due,
      state: '{}',
      row_version: 1,
    };
  };
  const rating = (row: { case_id: string; department: string }, score: number, at: number) => ({
    case_id: row.case_id,
    citizen_id: randomUUID(),
    department: row.department,
    score,
    tags: '[]',
    comment: null,
    rated_at: at,
  });

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, workflowMigrations, casesMigrations);
    service = new DashboardService(new DashboardRepository(database.db), org, {
      // Two working days ahead, as plain days here: the real calendar is the gateway's.
      calendar: { addWorkingDays: (from, days) => from + days * DAY },
      serviceName: (code) => ({ 'hrss.maternity-allowance': '生育津贴申领' })[code],
      now: () => NOW,
    });

    const rows = [
      // In progress: overdue, due soon, later, paused for 补正 (past its deadline: not overdue), no deadline.
      instance({ due: NOW - HOUR }),
      instance({ due: NOW + HOUR }),
      instance({ due: NOW + 2 * DAY }),
      instance({ due: NOW + 3 * DAY }),
      instance({ status: 'correction', due: NOW - DAY }),
      instance({ due: null, service: 'hrss.unemployment-benefit' }),
      // A sub-department's case, and another department's.
      instance({ department: 'hrss-centre', service: 'hrss.retirement', due: NOW - DAY }),
      instance({ department: 'ps', service: 'ps.residence-permit' }),
      // Accepted either side of China midnight (16:00 UTC) and before the period.
      instance({
        accepted: cst('2026-03-08', '23:59'),
        status: 'approved',
        ended: cst('2026-03-09', '00:00'),
        due: cst('2026-03-12'),
      }),
      instance({
        accepted: cst('2026-03-09', '00:00'),
        status: 'approved',
        ended: cst('2026-03-10', '09:00'),
        due: cst('2026-03-09', '17:30'),
      }),
      instance({
        accepted: cst('2026-02-01'),
        status: 'rejected',
        ended: cst('2026-03-10', '08:00'),
        due: null,
      }),
      // Ended but not 办结: withdrawn, and rejected before acceptance (不予受理).
      instance({ accepted: null, status: 'withdrawn', ended: cst('2026-03-10', '08:00') }),
      instance({ accepted: null, status: 'rejected', ended: cst('2026-03-10', '08:00') }),
    ];
    await database.db.insertInto('wf_instances').values(rows).execute();
    const [a, b, c] = rows.slice(8, 11);
    const ps = rows[7]!;
    await database.db
      .insertInto('case_ratings')
      .values([
        rating(a!, 5, cst('2026-03-09')),
        rating(b!, 2, cst('2026-03-10', '09:30')),
        rating(c!, 4, cst('2026-02-01')), // before the period
        rating(ps, 1, cst('2026-03-10', '09:30')), // another department
      ])
      .execute();
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('counts in progress, due soon and overdue by the deadline, a paused case never overdue', async () => {
    const board = await service.dashboard('st-hrss-clerk', { days: 7 });
    expect(board.scope).toEqual({ departmentCode: 'hrss', departmentName: '市人力资源和社会保障局' });
    expect(board.generatedAt).toBe(new Date(NOW).toISOString());
    expect(board.dueSoonBefore).toBe(new Date(NOW + 2 * DAY).toISOString());
    expect(board.counts).toEqual({
      inProgress: 7,
      dueSoon: 2,
      overdue: 2,
      acceptedInPeriod: 9,
      completedInPeriod: 3,
    });
    expect(board.byService).toEqual([
      { serviceCode: 'hrss.maternity-allowance', serviceName: '生育津贴申领', inProgress: 5, overdue: 1 },
      { serviceCode: 'hrss.retirement', serviceName: 'hrss.retirement', inProgress: 1, overdue: 1 },
      {
        serviceCode: 'hrss.unemployment-benefit',
        serviceName: 'hrss.unemployment-benefit',
        inProgress: 1,
        overdue: 0,
      },
    ]);
  });

  it('buckets accepted and 办结 by China day, oldest first, and rates on time among those with a deadline', async () => {
    const board = await service.dashboard('st-hrss-clerk', { days: 3 });
    expect(board.trend).toEqual([
      { date: '2026-03-08', accepted: 1, completed: 0 },
      { date: '2026-03-09', accepted: 8, completed: 1 },
      { date: '2026-03-10', accepted: 0, completed: 2 },
    ]);
    // 3 办结: one on time, one late, one without a deadline.
    expect(board.onTimeRate).toBe(0.5);
    const one = await service.dashboard('st-hrss-clerk', { days: 1 });
    expect(one.trend).toEqual([{ date: '2026-03-10', accepted: 0, completed: 2 }]);
    expect(one.counts).toMatchObject({ acceptedInPeriod: 0, completedInPeriod: 2 });
    expect(one.onTimeRate).toBe(0);
    expect((await service.dashboard('st-hrss-clerk', { days: 365 })).trend).toHaveLength(365);
  });

  it('rates satisfaction over the period: distribution, share of 3 and above, average', async () => {
    const board = await service.dashboard('st-hrss-clerk', { days: 7 });
    expect(board.satisfaction).toEqual({
      ratings: 2,
      goodRate: 0.5,
      average: 3.5,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 },
    });
    const ps = await service.dashboard('st-ps-clerk', { days: 7 });
    expect(ps.satisfaction).toMatchObject({ ratings: 1, goodRate: 0, average: 1 });
  });

  it('scopes to the department and those below; a supervisor sees the whole org; others answer 404', async () => {
    const centre = await service.dashboard('st-centre-clerk', { days: 7 });
    expect(centre.scope.departmentCode).toBe('hrss-centre');
    expect(centre.counts).toMatchObject({ inProgress: 1, overdue: 1 });
    expect(centre.satisfaction).toMatchObject({ ratings: 0, goodRate: null, average: null });
    expect((await service.dashboard('st-hrss-clerk', { department: 'hrss-centre' })).counts.inProgress).toBe(
      1,
    );
    await expect(service.dashboard('st-centre-clerk', { department: 'hrss' })).rejects.toMatchObject({
      status: 404,
      code: 'department_not_found',
    });
    await expect(service.dashboard('st-hrss-clerk', { department: 'ps' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(service.dashboard('st-hrss-clerk', { department: 'nowhere' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(service.dashboard('st-nobody')).rejects.toMatchObject({ status: 404 });
    const all = await service.dashboard('st-supervisor', { days: 7 });
    expect(all.scope).toEqual({ departmentCode: 'gov', departmentName: '临江市人民政府' });
    expect(all.counts.inProgress).toBe(8);
    expect((await service.dashboard('st-supervisor', { department: 'ps' })).counts.inProgress).toBe(1);
    const empty = await service.dashboard('st-ps-clerk', { days: 7 });
    expect(empty.onTimeRate).toBeNull();
    expect(empty.byService).toEqual([
      { serviceCode: 'ps.residence-permit', serviceName: 'ps.residence-permit', inProgress: 1, overdue: 0 },
    ]);
  });

  it('lists at most ten services, most cases in progress first', async () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: i + 1 }, () =>
        instance({ department: 'supervision', service: `svc.s${String(i).padStart(2, '0')}` }),
      ),
    ).flat();
    await database.db.insertInto('wf_instances').values(rows).execute();
    const board = await service.dashboard('st-supervisor', { department: 'supervision' });
    expect(board.byService.map((s) => [s.serviceCode, s.inProgress])).toEqual(
      Array.from({ length: 10 }, (_, k) => [`svc.s${String(11 - k).padStart(2, '0')}`, 12 - k]),
    );
    expect(board.counts.inProgress).toBe(78);
  });
});
