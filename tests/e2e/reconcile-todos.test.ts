import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { eventually } from '../support/eventually';
import { call } from '../support/http';
import { runJobToEnd } from '../support/jobs';

// Drift behind the gateway's back in DingTalk — a todo deleted by hand, another one ticked off while its
// task is still open — is found by reconcile.dingtalk.todos, repaired, and shown in its drift report.
describe(`reconciling DingTalk todos through the gateway (${dialect})`, () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway();
    admin = await t.staffLogin('st-admin-system');
    const security = await t.staffLogin('st-admin-security');
    for (const [staffId, userid] of [
      ['st-hrss-clerk-1', 'liuyang'],
      ['st-hrss-clerk-2', 'lina'],
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

  const todos = async () =>
    (await call(`${t.gateway.dingtalkSimulator!.url}/__sandbox/todos/all`)).body.todos as {
      id: string;
      sourceId: string;
      done: boolean;
    }[];

  const runToEnd = (name: string) => runJobToEnd(t.url, admin, name);

  it('recreates a deleted todo and reopens one ticked off by hand, and reports both', async () => {
    const citizen = await t.login();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const submitted = await call(`${t.url}/api/v1/cases`, {
        token: citizen.accessToken,
        headers: { 'idempotency-key': randomUUID() },
        body: validApplication(),
      });
      expect(submitted.status).toBe(201);
      ids.push(submitted.body.id);
    }
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const tasks = (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.filter(
      (i: { caseId: string }) => ids.includes(i.caseId),
    ) as { id: string }[];
    expect(tasks).toHaveLength(2);
    const [gone, ticked] = tasks as [{ id: string }, { id: string }];
    const both = await eventually('both todos', todos, (list) =>
      tasks.every((task) => list.some((x) => x.sourceId === task.id)),
    );
    const sim = t.gateway.dingtalkSimulator!.url;
    const todoOf = (taskId: string) => both.find((x) => x.sourceId === taskId)!;
    expect((await call(`${sim}/__sandbox/todos/${todoOf(gone.id).id}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    expect((await call(`${sim}/__sandbox/todos/${todoOf(ticked.id).id}/complete`, { body: {} })).status).toBe(
      200,
    );

    const run = await runToEnd('reconcile.dingtalk.todos');
    expect(run.status).toBe('succeeded');
    const report = await call(`${t.url}/api/v1/admin/reconcile/runs/${run.id}`, { token: admin });
    expect(report.body.byKind['todo.missing']).toEqual({ repaired: 1, needsPerson: 0 });
    expect(report.body.byKind['todo.state']).toEqual({ repaired: 1, needsPerson: 0 });
    const after = await todos();
    for (const task of tasks) {
      expect(after.filter((x) => x.sourceId === task.id)).toEqual([expect.objectContaining({ done: false })]);
    }
    const again = await runToEnd('reconcile.dingtalk.todos');
    expect(again.summary).toBe('未发现差异');
  });
});
