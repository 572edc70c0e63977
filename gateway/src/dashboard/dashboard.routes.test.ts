// GET /staff/dashboard over real HTTP (the whole gateway): cases taken through the workflow and rated,
// the staff member's department as scope, bad `days` as 422 problems.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../tests/support/http';
import { dialect } from '../../test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../test/test-gateway';
import { chinaDayOf, formatDay } from '../platform/calendar/china-day';
import { createDatabase, type Database } from '../platform/db/database';

describe(`staff dashboard over HTTP (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  const staff: Record<string, string> = {};
  const cases: string[] = [];
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const board = (query: string, who = 'st-hrss-clerk-1') =>
    api(`/staff/dashboard${query}`, { token: staff[who] });

  beforeAll(async () => {
    t = await startTestGateway({ WORKFLOW_TIMER_INTERVAL_MS: '60000' });
    database = createDatabase(t.env.config.database);
    const citizen = await t.login('o-dashboard-citizen');
    for (const id of [
      'st-hrss-clerk-1',
      'st-hrss-approver-1',
      'st-hrss-head',
      'st-ps-clerk-1',
      'st-supervision-supervisor-1',
      'st-gov-secretary',
    ])
      staff[id] = await t.staffLogin(id);
    for (let i = 0; i < 3; i++) {
      const res = await api('/cases', {
        token: citizen.accessToken,
        headers: { 'idempotency-key': randomUUID() },
        body: validApplication(),
      });
      expect(res.status).toBe(201);
      cases.push(res.body.id);
    }
    // The first case: 受理 → 审核 → 审批 (办结), then rated 满意.
    const taskOf = async (who: string) => {
      const res = await api('/staff/tasks?box=todo&limit=100', { token: staff[who] });
      return (res.body.items as { id: string; caseId: string }[]).find((i) => i.caseId === cases[0])!.id;
    };
    const act = async (who: string, action: string) => {
      const res = await api(`/staff/tasks/${await taskOf(who)}/${action}`, { token: staff[who], body: {} });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    };
    await act('st-hrss-clerk-1', 'claim');
    await act('st-hrss-clerk-1', 'approve');
    await act('st-hrss-approver-1', 'approve');
    await act('st-hrss-head', 'approve');
    const rated = await api(`/cases/${cases[0]}/rating`, {
      token: citizen.accessToken,
      body: { score: 4, tags: ['办事效率高'] },
    });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  it('shows the department: in progress, accepted and 办结 today, on time, satisfaction, by service', async () => {
    const res = await board('');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const today = formatDay(chinaDayOf(Date.now()));
    expect(res.body).toMatchObject({
      scope: { departmentCode: 'hrss', departmentName: '市人力资源和社会保障局' },
      days: 30,
      counts: { inProgress: 2, dueSoon: 0, overdue: 0, acceptedInPeriod: 1, completedInPeriod: 1 },
      onTimeRate: 1,
      satisfaction: {
        ratings: 1,
        goodRate: 1,
        average: 4,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 },
      },
      byService: [
        { serviceCode: 'hrss.maternity-allowance', serviceName: '生育津贴申领', inProgress: 2, overdue: 0 },
      ],
    });
    expect(Date.parse(res.body.generatedAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(res.body.dueSoonBefore)).toBeGreaterThan(Date.now());
    expect(res.body.trend).toHaveLength(30);
    expect(res.body.trend.at(-1)).toEqual({ date: today, accepted: 1, completed: 1 });
    expect(res.body.trend[0].date < today).toBe(true);
    expect((await board('?days=7')).body.trend).toHaveLength(7);
  });

  it('counts a running case past its working-day deadline as overdue', async () => {
    await sql`UPDATE wf_instances SET due_at = ${Date.now() - 60_000} WHERE case_id = ${cases[1]}`.execute(
      database.db,
    );
    await sql`UPDATE wf_instances SET due_at = ${Date.now() + 3_600_000} WHERE case_id = ${cases[2]}`.execute(
      database.db,
    );
    const res = await board('?days=30');
    expect(res.body.counts).toMatchObject({ inProgress: 2, overdue: 1, dueSoon: 1 });
    expect(res.body.byService[0]).toMatchObject({ inProgress: 2, overdue: 1 });
  });

  it('answers days outside 1–365 and unknown parameters with a 422 problem naming the parameter', async () => {
    for (const query of ['?days=0', '?days=366', '?days=abc', '?days=1.5', '?limit=5']) {
      const res = await board(query);
      expect(res.status, query).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].parameter, query).toBe(query.includes('limit') ? 'limit' : 'days');
    }
    expect((await board('?days=365')).status).toBe(200);
  });

  it("keeps to the staff member's scope: another department sees none of it; a supervisor sees the city", async () => {
    const ps = await board('', 'st-ps-clerk-1');
    expect(ps.status).toBe(200);
    expect(ps.body.scope).toEqual({ departmentCode: 'ps', departmentName: '市公安局' });
    expect(ps.body.counts).toEqual({
      inProgress: 0,
      dueSoon: 0,
      overdue: 0,
      acceptedInPeriod: 0,
      completedInPeriod: 0,
    });
    expect(ps.body.satisfaction).toMatchObject({ ratings: 0, goodRate: null, average: null });
    expect(ps.body.byService).toEqual([]);
    const other = await board('?department=hrss', 'st-ps-clerk-1');
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('department_not_found');
    const city = await board('', 'st-supervision-supervisor-1');
    expect(city.body.scope.departmentCode).toBe('gov');
    expect(city.body.counts.inProgress).toBe(2);
    expect((await board('?department=hrss', 'st-supervision-supervisor-1')).body.counts.inProgress).toBe(2);
    // The 市政府 report viewer (dashboard.read, no casework) sees the city under 市政府.
    const viewer = await board('', 'st-gov-secretary');
    expect(viewer.status, JSON.stringify(viewer.body)).toBe(200);
    expect(viewer.body.scope.departmentCode).toBe('gov');
    expect(viewer.body.counts.inProgress).toBe(2);
    expect((await api('/staff/dashboard')).status).toBe(401);
  });
});
