import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const ADMIN = 'admin-token-for-workflow-tests-0123456789';

// 生育津贴申领@1: 窗口受理 (hrss clerks, group task to claim) → 待遇审核 (或签: approver-1 and the head)
// → 负责人审批 (the head) → end.
describe(`workflow over HTTP: staff worklists and operations (${dialect})`, () => {
  let t: TestGateway;
  let citizen: Awaited<ReturnType<TestGateway['login']>>;
  const staff: Record<string, string> = {};
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const as = (who: string) => staff[who]!;

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN, WORKFLOW_TIMER_INTERVAL_MS: '60000' });
    citizen = await t.login('o-workflow-citizen');
    for (const id of [
      'st-hrss-clerk-1',
      'st-hrss-clerk-2',
      'st-hrss-approver-1',
      'st-hrss-head',
      'st-ps-clerk-1',
      'st-supervision-supervisor-1',
    ]) {
      staff[id] = await t.staffLogin(id);
    }
  });
  afterAll(async () => t?.stop());

  async function submit(formData: Record<string, unknown> = {}) {
    const app = validApplication();
    const res = await api('/cases', {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...app, formData: { ...app.formData, ...formData } },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function taskOf(caseId: string, who: string, box = 'todo') {
    const res = await api(`/staff/tasks?box=${box}&limit=100`, { token: as(who) });
    expect(res.status).toBe(200);
    return (res.body.items as any[]).find((i) => i.caseId === caseId);
  }

  const act = (who: string, taskId: string, action: string, body: unknown = {}) =>
    api(`/staff/tasks/${taskId}/${action}`, { token: as(who), body });

  it('takes a case from submission to 办结: claim, 或签 race, decision, timeline in plain words', async () => {
    const caseId = await submit();
    const group = await taskOf(caseId, 'st-hrss-clerk-2');
    expect(group).toMatchObject({ node: { id: 'accept', name: '窗口受理' }, assignee: null, status: 'open' });
    expect(group.candidates.map((c: any) => c.id).sort()).toEqual(['st-hrss-clerk-1', 'st-hrss-clerk-2']);
    expect(group.dueAt).toMatch(/T09:30:00.000Z$/); // 17:30 China time, end of the working day

    expect((await act('st-hrss-clerk-1', group.id, 'claim')).status).toBe(200);
    const late = await act('st-hrss-clerk-2', group.id, 'claim');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('task_already_claimed');
    expect(await taskOf(caseId, 'st-hrss-clerk-2')).toBeUndefined();

    const accepted = await act('st-hrss-clerk-1', group.id, 'approve', { comment: '材料齐全，予以受理' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'completed', outcome: 'approved', outcomeLabel: '同意' });
    const withdraw = await api(`/cases/${caseId}/withdraw`, { token: citizen.accessToken, body: {} });
    expect(withdraw.status).toBe(409);
    expect(withdraw.body.code).toBe('case_already_accepted');

    // 或签: both approvers decide at the same moment: exactly one wins.
    const a = await taskOf(caseId, 'st-hrss-approver-1');
    const b = await taskOf(caseId, 'st-hrss-head');
    expect(a.node.id).toBe('hrss-review');
    const race = await Promise.all([
      act('st-hrss-approver-1', a.id, 'approve', { comment: '同意' }),
      act('st-hrss-head', b.id, 'approve', { comment: '同意' }),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);

    const decision = await taskOf(caseId, 'st-hrss-head');
    expect(decision.node.id).toBe('hrss-decision');
    const detail = await api(`/staff/tasks/${decision.id}`, { token: as('st-hrss-head') });
    expect(detail.status).toBe(200);
    expect(detail.body.actions).toEqual(expect.arrayContaining(['approve', 'reject', 'return', 'transfer']));
    expect(detail.body.returnTargets.map((r: any) => r.nodeId)).toEqual([
      'accept',
      'hrss-review',
      'applicant',
    ]);
    expect(detail.body.case.formData.idNumber).toMatch(/^\d{3}\*+\d{3}[\dX]$/);
    expect(detail.body.case.form).toEqual({ id: 'maternity-allowance', version: 1 });
    expect(detail.body.case.formDefinition.schema.properties.idNumber).toBeDefined();
    expect(detail.body.history.map((h: any) => h.label)).toEqual(['流程启动', '签收', '同意', '同意']);
    expect((await act('st-hrss-head', decision.id, 'approve', { comment: '准予发放' })).status).toBe(200);

    const mine = await api(`/cases/${caseId}`, { token: citizen.accessToken });
    expect(mine.body.status).toBe('completed');
    expect(mine.body.timeline.map((e: any) => [e.type, e.note])).toEqual([
      ['submitted', null],
      ['accepted', '市人力资源和社会保障局已受理您的申请'],
      ['step_completed', '市人力资源和社会保障局已完成「待遇审核」'],
      ['step_completed', '市人力资源和社会保障局已完成「负责人审批」'],
      ['completed', '您的申请已办结'],
    ]);
    const done = await taskOf(caseId, 'st-hrss-head', 'done');
    expect(done).toMatchObject({ node: { id: 'hrss-decision' }, status: 'completed' });
    const progress = await api(`/cases/${caseId}/progress`, { token: citizen.accessToken });
    expect(progress.body).toMatchObject({ status: 'approved', canWithdraw: false, current: [] });
  });

  it('answers one of two simultaneous decisions on the same task with 409', async () => {
    const caseId = await submit();
    const task = await taskOf(caseId, 'st-hrss-clerk-1');
    await act('st-hrss-clerk-1', task.id, 'claim');
    const replies = await Promise.all([
      act('st-hrss-clerk-1', task.id, 'approve', { comment: '受理' }),
      act('st-hrss-clerk-1', task.id, 'reject', { comment: '材料不全' }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('keeps cases of other departments out of sight (404, not 403) but lets supervisors in', async () => {
    const caseId = await submit();
    const task = await taskOf(caseId, 'st-hrss-clerk-1');
    expect(await taskOf(caseId, 'st-ps-clerk-1')).toBeUndefined();
    const peek = await api(`/staff/tasks/${task.id}`, { token: as('st-ps-clerk-1') });
    expect(peek.status).toBe(404);
    expect((await act('st-ps-clerk-1', task.id, 'approve')).status).toBe(404);
    expect((await api(`/staff/cases/${caseId}`, { token: as('st-ps-clerk-1') })).status).toBe(404);
    expect((await api(`/staff/cases/${caseId}`, { token: as('st-supervision-supervisor-1') })).status).toBe(
      200,
    );
    // A citizen token is no staff token, and the other way round.
    expect((await api('/staff/tasks', { token: citizen.accessToken })).status).toBe(401);
    expect((await api('/cases', { token: as('st-hrss-clerk-1') })).status).toBe(401);
  });

  it('lets the applicant withdraw before 受理: every task goes away', async () => {
    const caseId = await submit();
    expect(await taskOf(caseId, 'st-hrss-clerk-1')).toBeDefined();
    const res = await api(`/cases/${caseId}/withdraw`, {
      token: citizen.accessToken,
      body: { reason: '信息填错了' },
    });
    expect(res.status).toBe(204);
    expect(await taskOf(caseId, 'st-hrss-clerk-1')).toBeUndefined();
    expect((await api(`/cases/${caseId}`, { token: citizen.accessToken })).body.status).toBe('withdrawn');
    expect((await api(`/cases/${caseId}/withdraw`, { token: citizen.accessToken, body: {} })).status).toBe(
      409,
    );
  });

  it('returns a case to the applicant for 补正 and resumes at the node that asked', async () => {
    const caseId = await submit();
    const task = await taskOf(caseId, 'st-hrss-clerk-1');
    const back = await act('st-hrss-clerk-1', task.id, 'return', {
      target: 'applicant',
      comment: '请补充用人单位全称',
    });
    expect(back.status).toBe(200);
    const progress = await api(`/cases/${caseId}/progress`, { token: citizen.accessToken });
    expect(progress.body).toMatchObject({
      status: 'correction',
      correction: { reason: '请补充用人单位全称' },
    });
    expect((await api(`/cases/${caseId}`, { token: citizen.accessToken })).body.status).toBe(
      'correction_requested',
    );
    expect(await taskOf(caseId, 'st-hrss-clerk-1')).toBeUndefined();

    const bad = await api(`/cases/${caseId}/correction`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: { ...validApplication().formData, deliveryType: '其他' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/formData/deliveryType');

    const fixed = await api(`/cases/${caseId}/correction`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: { ...validApplication().formData, employer: '测试单位有限公司临江分公司' } },
    });
    expect(fixed.status).toBe(204);
    const again = await taskOf(caseId, 'st-hrss-clerk-1');
    expect(again).toMatchObject({ node: { id: 'accept' }, status: 'open' });
    const view = await api(`/staff/tasks/${again.id}`, { token: as('st-hrss-clerk-1') });
    expect(view.body.case.formData.employer).toBe('测试单位有限公司临江分公司');
    expect(view.body.progress.map((p: any) => [p.nodeId, p.status, p.round])).toEqual([
      ['accept', 'returned', 1],
      ['accept', 'active', 2],
    ]);
    const second = await api(`/cases/${caseId}/correction`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: { formData: validApplication().formData },
    });
    expect(second.status).toBe(409);
  });

  it('transfers within the department only, urges once an hour, and lets only supervisors 督办', async () => {
    const caseId = await submit();
    const task = await taskOf(caseId, 'st-hrss-clerk-1');
    const outside = await act('st-hrss-clerk-1', task.id, 'transfer', { to: 'st-ps-clerk-1' });
    expect(outside.status).toBe(400);
    expect(outside.body.errors[0]).toMatchObject({ pointer: '/to', code: 'invalid_assignee' });
    const moved = await act('st-hrss-clerk-1', task.id, 'transfer', {
      to: 'st-hrss-clerk-2',
      comment: '请协助',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('transferred');
    const theirs = await taskOf(caseId, 'st-hrss-clerk-2');
    expect(theirs).toMatchObject({ origin: 'transfer', dueAt: task.dueAt });

    expect((await api(`/cases/${caseId}/urge`, { token: citizen.accessToken, body: {} })).status).toBe(204);
    const twice = await api(`/cases/${caseId}/urge`, { token: citizen.accessToken, body: {} });
    expect(twice.status).toBe(429);
    expect(twice.body.code).toBe('urge_too_frequent');

    const notAllowed = await api(`/staff/cases/${caseId}/supervise`, {
      token: as('st-hrss-clerk-1'),
      body: {},
    });
    expect(notAllowed.status).toBe(403);
    const supervised = await api(`/staff/cases/${caseId}/supervise`, {
      token: as('st-supervision-supervisor-1'),
      body: { comment: '请加快办理' },
    });
    expect(supervised.status).toBe(204);
    const head = await taskOf(caseId, 'st-hrss-head', 'cc');
    expect(head).toMatchObject({ kind: 'cc', origin: 'escalation' });
    expect((await act('st-hrss-head', head.id, 'read')).status).toBe(200);
    expect(await api('/staff/tasks?box=cc&unread=true', { token: as('st-hrss-head') })).toMatchObject({
      status: 200,
    });
  });

  it('退回 to an earlier node: it and everything after it run again', async () => {
    const caseId = await submit();
    const accept = await taskOf(caseId, 'st-hrss-clerk-1');
    await act('st-hrss-clerk-1', accept.id, 'approve');
    const review = await taskOf(caseId, 'st-hrss-approver-1');
    await act('st-hrss-approver-1', review.id, 'approve');
    const decision = await taskOf(caseId, 'st-hrss-head');
    const wrong = await act('st-hrss-head', decision.id, 'return', {
      target: 'hrss-decision',
      comment: '重审',
    });
    expect(wrong.status).toBe(400);
    expect(
      (await act('st-hrss-head', decision.id, 'return', { target: 'accept', comment: '请重新核对材料' }))
        .status,
    ).toBe(200);
    const again = await taskOf(caseId, 'st-hrss-clerk-1');
    expect(again.node.id).toBe('accept');
    expect(again.assignee).toBeNull(); // a group task again: anyone of the clerks may claim it
  });

  it('pages through 待办 with a cursor and filters by overdue', async () => {
    for (let i = 0; i < 3; i++) await submit();
    const first = await api('/staff/tasks?limit=2', { token: as('st-hrss-clerk-2') });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await api(`/staff/tasks?limit=2&cursor=${first.body.nextCursor}`, {
      token: as('st-hrss-clerk-2'),
    });
    expect(next.body.items[0].id).not.toBe(first.body.items[1].id);
    expect(new Date(next.body.items[0].createdAt) <= new Date(first.body.items[1].createdAt)).toBe(true);
    const overdue = await api('/staff/tasks?overdue=true', { token: as('st-hrss-clerk-2') });
    expect(overdue.body.items).toEqual([]);
    const bad = await api('/staff/tasks?cursor=nope', { token: as('st-hrss-clerk-2') });
    expect(bad.status).toBe(400);
    const me = await api('/staff/me', { token: as('st-hrss-clerk-2') });
    expect(me.body).toMatchObject({
      name: expect.any(String),
      departments: [{ code: 'hrss', roles: ['clerk'] }],
    });
    expect(me.body.counts.todo).toBeGreaterThanOrEqual(3);
  });

  it('migrates running cases to a new flow version where their nodes map, and reports the rest', async () => {
    const atReview = await submit();
    await act('st-hrss-clerk-1', (await taskOf(atReview, 'st-hrss-clerk-1')).id, 'approve');
    const atAccept = await submit();
    const v1 = (
      await import('../../config/catalog/flows/maternity-allowance@1.json', { with: { type: 'json' } })
    ).default as any;
    const v2 = structuredClone(v1);
    v2.version = 2;
    v2.nodeMap = { 'hrss-review': 'review' };
    v2.nodes = v2.nodes.filter((n: any) => n.id !== 'accept');
    const review = v2.nodes.find((n: any) => n.id === 'hrss-review');
    review.id = 'review';
    review.name = '待遇审核（新）';
    review.onReject = { action: 'return', to: 'applicant' };
    v2.nodes.find((n: any) => n.id === 'hrss-decision').onReject = { action: 'return', to: 'review' };
    const admin = { authorization: `Bearer ${ADMIN}` };
    const published = await api('/admin/flows/publish', { headers: admin, body: { flows: [v2] } });
    expect(published.status).toBe(200);
    const changed = await api('/admin/flows/publish', {
      headers: admin,
      body: { flows: [{ ...v2, name: '改了名字' }] },
    });
    expect(changed.status).toBe(422);

    const dry = await api('/admin/flows/maternity-allowance/migrate', {
      headers: admin,
      body: { fromVersion: 1, toVersion: 2, dryRun: true },
    });
    expect(dry.status).toBe(200);
    const migratedIds = dry.body.migrated.map((m: any) => m.caseId);
    expect(migratedIds).toContain(atReview);
    const refused = dry.body.notMigrated.find((m: any) => m.caseId === atAccept);
    expect(refused.reasons[0]).toContain('窗口受理');

    const real = await api('/admin/flows/maternity-allowance/migrate', {
      headers: admin,
      body: { fromVersion: 1, toVersion: 2 },
    });
    expect(real.body.migrated.map((m: any) => m.caseId)).toContain(atReview);
    const task = await taskOf(atReview, 'st-hrss-approver-1');
    expect(task.node).toEqual({ id: 'review', name: '待遇审核（新）' });
    const detail = await api(`/staff/tasks/${task.id}`, { token: as('st-hrss-approver-1') });
    expect(detail.body.flow).toMatchObject({ version: 2 });
    expect((await act('st-hrss-approver-1', task.id, 'approve')).status).toBe(200);
    expect((await taskOf(atReview, 'st-hrss-head')).node.id).toBe('hrss-decision');
    // The case that could not move goes on on version 1.
    expect((await taskOf(atAccept, 'st-hrss-clerk-1')).node.id).toBe('accept');
  });
});
