import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

// A task the workflow creates appears in the assignee's DingTalk 待办 (through the outbox, the delivery
// worker and the DingTalk simulator's todo API), and is completed there when the task is done.
describe(`DingTalk todos for workflow tasks (${dialect})`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
    const security = await t.staffLogin('st-admin-security');
    // The demo 人社局 clerks sign in with DingTalk: link them to users of the DingTalk simulator.
    for (const [staffId, userid] of [
      ['st-hrss-clerk-1', 'mayor'],
      ['st-hrss-clerk-2', 'zhangwei'],
    ] as const) {
      const linked = await call(`${t.url}/api/v1/admin/staff/${staffId}/identities/dingtalk`, {
        method: 'PUT',
        token: security,
        body: { externalId: userid, unionId: `u-${userid}` },
      });
      expect(linked.status).toBeLessThan(300);
    }
  });
  afterAll(async () => t?.stop());

  const todosOf = async (unionId: string) =>
    (await call(`${t.gateway.dingtalkSimulator!.url}/__sandbox/todos?unionId=${unionId}`)).body.todos as {
      sourceId: string;
      subject: string;
      done: boolean;
      executorIds: string[];
      detailUrl: { appUrl: string };
    }[];

  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const v = await read();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    return read();
  }

  it('creates one todo per task for its DingTalk users and completes it when the task is done', async () => {
    const citizen = await t.login();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    expect(submitted.status).toBe(201);
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const task = (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.find(
      (i: { caseId: string }) => i.caseId === submitted.body.id,
    );
    const todos = await eventually(
      () => todosOf('u-mayor'),
      (list) => list.some((x) => x.sourceId === task.id),
    );
    const todo = todos.filter((x) => x.sourceId === task.id);
    expect(todo).toHaveLength(1);
    expect(todo[0]!.subject).toContain(submitted.body.caseNumber);
    expect(todo[0]!.executorIds.sort()).toEqual(['u-mayor', 'u-zhangwei']);
    expect(todo[0]!.detailUrl.appUrl).toBe(`${t.url}/staff/tasks/${task.id}`);

    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/approve`, { token: clerk, body: {} })).status,
    ).toBe(200);
    const done = await eventually(
      () => todosOf('u-mayor'),
      (list) => list.some((x) => x.sourceId === task.id && x.done),
    );
    expect(done.filter((x) => x.sourceId === task.id)).toEqual([expect.objectContaining({ done: true })]);

    const admin = await t.staffLogin('st-admin-system');
    const stats = await call(`${t.url}/api/v1/admin/deliveries/stats`, { token: admin });
    expect(stats.status).toBe(200);
    const dead = await call(`${t.url}/api/v1/admin/deliveries?status=dead`, { token: admin });
    expect(dead.body.items).toEqual([]);
  });

  it('completes the todo in the first candidate’s list when a colleague claimed and decided the task', async () => {
    const citizen = await t.login();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    const other = await t.staffLogin('st-hrss-clerk-2');
    const task = (await call(`${t.url}/api/v1/staff/tasks`, { token: other })).body.items.find(
      (i: { caseId: string }) => i.caseId === submitted.body.id,
    );
    await eventually(
      () => todosOf('u-mayor'),
      (list) => list.some((x) => x.sourceId === task.id),
    );
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/approve`, { token: other, body: {} })).status,
    ).toBe(200);
    const done = await eventually(
      () => todosOf('u-mayor'),
      (list) => list.some((x) => x.sourceId === task.id && x.done),
    );
    expect(done.filter((x) => x.sourceId === task.id)).toEqual([expect.objectContaining({ done: true })]);
  });

  it('hands the todo over with a transferred task: done for the previous holder, new for the new one', async () => {
    const citizen = await t.login();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const task = (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.find(
      (i: { caseId: string }) => i.caseId === submitted.body.id,
    );
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/claim`, { token: clerk, body: {} })).status,
    ).toBe(200);
    const moved = await call(`${t.url}/api/v1/staff/tasks/${task.id}/transfer`, {
      token: clerk,
      body: { to: 'st-hrss-clerk-2', comment: '请同事协助办理' },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const other = await t.staffLogin('st-hrss-clerk-2');
    const newTask = (await call(`${t.url}/api/v1/staff/tasks`, { token: other })).body.items.find(
      (i: { caseId: string }) => i.caseId === submitted.body.id,
    );
    expect(newTask.id).not.toBe(task.id);
    await eventually(
      () => todosOf('u-mayor'),
      (list) => list.some((x) => x.sourceId === task.id && x.done),
    );
    const theirs = await eventually(
      () => todosOf('u-zhangwei'),
      (list) => list.some((x) => x.sourceId === newTask.id),
    );
    expect(theirs.filter((x) => x.sourceId === newTask.id)).toEqual([
      expect.objectContaining({ done: false }),
    ]);
  });
});
