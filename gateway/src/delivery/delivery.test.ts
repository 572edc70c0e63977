import {
  classifyDingtalkError,
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  type DingtalkClient,
  type DingtalkSimulator,
} from '@gcrm/connectors/dingtalk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { DeliveryAdmin } from './admin.service';
import type { DeliveryRoute, DeliverySender } from './delivery.types';
import { DeliveryStore, leaseToken } from './delivery-store';
import {
  caseMessage,
  caseRoute,
  clearTables,
  type DeliveryTestDb,
  enqueue,
  kindError,
  openDeliveryDb,
  recordingSender,
  rows,
  sleep,
} from './testing';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker';

const APP = {
  appKey: 'dingsimappkey0001',
  appSecret: 'sim-dingtalk-secret-0123456789abcdef',
  agentId: 3_000_000_001,
};
const TODO_PATH = '/v1.0/todo/users/u-zhangwei/tasks';

const fast: Omit<DeliveryWorkerOptions, 'name'> = {
  pollIntervalMs: 20,
  backoff: { baseMs: 20, capMs: 100, maxAttempts: 4 },
  routingBackoff: { baseMs: 10, capMs: 20, maxAttempts: 2 },
};

let t: DeliveryTestDb;
beforeAll(async () => {
  t = await openDeliveryDb();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await clearTables(t);
});

const worker = (
  routes: DeliveryRoute[],
  senders: DeliverySender[],
  options: Partial<DeliveryWorkerOptions> = {},
) => new DeliveryWorker(t.database.db, routes, senders, { name: 'w', ...fast, ...options });

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe(`routing and ordering (${dialect})`, () => {
  it('two workers on one database: every delivery once, each case in order', async () => {
    const record = recordingSender('test.sink', () => sleep(Math.random() * 15));
    const a = worker([caseRoute()], [record.sender], { name: 'a', concurrency: 4, batchSize: 7 });
    const b = worker([caseRoute()], [record.sender], { name: 'b', concurrency: 4, batchSize: 5 });
    const cases = ['c1', 'c2', 'c3', 'c4', 'c5'];
    // Half before the workers start, half while they run; one transaction per step of all cases.
    for (let n = 0; n < 4; n++)
      await enqueue(
        t,
        cases.map((c) => caseMessage(c, n)),
      );
    a.start();
    b.start();
    for (let n = 4; n < 8; n++) {
      await enqueue(
        t,
        cases.map((c) => caseMessage(c, n)),
      );
      await sleep(5);
    }
    await waitFor(async () => (await rows(t)).filter((r) => r.status === 'delivered').length === 40);
    await Promise.all([a.stop(), b.stop()]);
    expect([...record.keys.values()].every((n) => n === 1)).toBe(true);
    for (const c of cases) {
      expect(record.effects.filter((d) => d.orderKey === c).map((d) => d.payload.n)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7,
      ]);
    }
    const outbox = await t.database.db.selectFrom('outbox').select('status').execute();
    expect(outbox.every((o) => o.status === 'routed')).toBe(true);
  });

  it('messages of one transaction keep their order; a topic without a route is routed to nothing', async () => {
    const record = recordingSender();
    await enqueue(t, [
      caseMessage('c9', 0),
      { topic: 'nobody.listens', aggregateType: 'x', aggregateId: 'x', dedupeKey: 'k-x', payload: {} },
      caseMessage('c9', 1),
      caseMessage('c9', 2),
    ]);
    await worker([caseRoute()], [record.sender], { concurrency: 3 }).drain();
    expect(record.effects.map((d) => d.payload.n)).toEqual([0, 1, 2]);
    expect(
      await t.database.db.selectFrom('outbox').select('id').where('status', '=', 'routed').execute(),
    ).toHaveLength(4);
  });

  it('a later message of a case waits while an earlier one is still in routing', async () => {
    const record = recordingSender();
    let fail = true;
    const flaky = caseRoute('test.sink', {
      plan: async (m) => {
        if (m.payload.n === 0 && fail) throw new Error('directory lookup failed');
        return caseRoute().plan(m);
      },
    });
    await enqueue(t, [caseMessage('c1', 0)], 1000);
    await enqueue(t, [caseMessage('c1', 1)], 2000);
    const w = worker([flaky], [record.sender], {
      routingBackoff: { baseMs: 200, capMs: 200, maxAttempts: 3 },
    });
    await w.routeOnce();
    expect(await w.dispatchOnce()).toBe(0); // message 1 is routed, but message 0 is not yet
    fail = false;
    await w.drain();
    expect(record.effects.map((d) => d.payload.n)).toEqual([0, 1]);
  });

  it('a route that keeps throwing: the message is retried, then dead, and no longer holds others back', async () => {
    const record = recordingSender();
    const broken: DeliveryRoute = {
      name: 'broken',
      topics: ['case.broken'],
      plan: async () => {
        throw new Error('bug');
      },
    };
    await enqueue(t, [{ ...caseMessage('c1', 0), topic: 'case.broken' }], 1000);
    await enqueue(t, [caseMessage('c1', 1)], 2000);
    await worker([broken, caseRoute()], [record.sender]).drain();
    const dead = await t.database.db.selectFrom('outbox').selectAll().where('status', '=', 'dead').execute();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 2, last_error: 'Error: bug' });
    expect(record.effects.map((d) => d.payload.n)).toEqual([1]);
  });
});

describe(`failures (${dialect})`, () => {
  it('retryable: backoff, then success; attempts counted', async () => {
    const record = recordingSender('test.sink', (_d, call) => {
      if (call <= 2) throw kindError('retryable');
    });
    await enqueue(t, [caseMessage('c1', 0)]);
    await worker([caseRoute()], [record.sender]).drain();
    const [row] = await rows(t);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_error: 'Error: simulated retryable' });
  });

  it('retryable until maxAttempts: dead, with the error truncated to 500 characters', async () => {
    const record = recordingSender('test.sink', () => {
      throw Object.assign(new Error('x'.repeat(2000)), { kind: 'retryable' });
    });
    await enqueue(t, [caseMessage('c1', 0)]);
    await worker([caseRoute()], [record.sender]).drain();
    const [row] = await rows(t);
    expect(row).toMatchObject({ status: 'dead', attempts: 4 });
    expect(row!.last_error!.length).toBe(500);
  });

  it('permanent: dead at once; the next delivery of the case then goes', async () => {
    const record = recordingSender('test.sink', (d) => {
      if (d.payload.n === 0) throw kindError('permanent');
    });
    await enqueue(t, [caseMessage('c1', 0), caseMessage('c1', 1)]);
    await worker([caseRoute()], [record.sender]).drain();
    const [first, second] = await rows(t);
    expect(first).toMatchObject({ status: 'dead', attempts: 1, last_error: 'Error: simulated permanent' });
    expect(second).toMatchObject({ status: 'delivered' });
  });

  it('rateLimited: no attempt burned, the destination pauses for retryAfterMs', async () => {
    const sent: number[] = [];
    const record = recordingSender('test.sink', (_d, call) => {
      sent.push(Date.now());
      if (call <= 3) throw kindError('rateLimited', 120);
    });
    await enqueue(t, [caseMessage('c1', 0), caseMessage('c2', 0)]);
    await worker([caseRoute()], [record.sender], { concurrency: 1 }).drain();
    const all = await rows(t);
    expect(all.map((r) => [r.status, r.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
    ]);
    // Each rate-limit answer paused the destination ≥ 120 ms before the next call.
    for (let i = 1; i <= 3; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(110);
  });

  it('the breaker opens after consecutive transient failures, rows wait without attempts, then it closes', async () => {
    let healthy = false;
    const record = recordingSender('test.sink', () => {
      if (!healthy) throw kindError('retryable');
    });
    const w = worker([caseRoute()], [record.sender], {
      concurrency: 1,
      backoff: { baseMs: 1, capMs: 1, maxAttempts: 50 },
      breaker: { threshold: 3, halfOpenAfterMs: 600 },
    });
    await enqueue(
      t,
      ['c1', 'c2', 'c3', 'c4'].map((c) => caseMessage(c, 0)),
    );
    // Until the breaker opens (three failures), however slow the machine is.
    for (let i = 0; i < 100 && w.breakerStates()['test.sink'] !== 'open'; i++)
      await w.drain({ maxWaitMs: 0, timeoutMs: 150 });
    expect(w.breakerStates()).toEqual({ 'test.sink': 'open' });
    const callsWhenOpened = record.calls();
    expect(callsWhenOpened).toBe(3);
    await sleep(100);
    expect(await w.dispatchOnce()).toBe(0); // open: nothing is claimed
    const attempts = (await rows(t)).reduce((sum, r) => sum + r.attempts, 0);
    expect(attempts).toBe(3);
    healthy = true;
    await sleep(500);
    await w.drain();
    expect(w.breakerStates()).toEqual({ 'test.sink': 'closed' });
    expect((await rows(t)).every((r) => r.status === 'delivered')).toBe(true);
  });

  it('refused: done as refused, the route plans a fallback that is delivered after it', async () => {
    const wechat = recordingSender('wechat.subscribe', () => {
      throw kindError('refused');
    });
    const sms = recordingSender('sms');
    const route: DeliveryRoute = {
      ...caseRoute('wechat.subscribe'),
      onRefused: async (d, reason) => [
        {
          destination: 'sms',
          key: `sms:${d.key}`,
          orderKey: d.orderKey,
          payload: { ...d.payload, because: reason.kind },
        },
      ],
    };
    await enqueue(t, [caseMessage('c1', 0)]);
    await worker([route], [wechat.sender, sms.sender]).drain();
    const [parent, fallback] = await rows(t);
    expect(parent).toMatchObject({ destination: 'wechat.subscribe', status: 'refused', attempts: 1 });
    expect(fallback).toMatchObject({ destination: 'sms', status: 'delivered', parent_id: parent!.id });
    expect(sms.effects[0]!.payload).toEqual({ caseId: 'c1', n: 0, because: 'refused' });
  });

  it('outcomes of concurrent sends are written together, each guarded by its lease', async () => {
    await enqueue(
      t,
      ['c1', 'c2', 'c3', 'c4'].map((c) => caseMessage(c, 0)),
    );
    await worker([caseRoute()], []).routeOnce();
    const store = new DeliveryStore(t.database.db);
    const token = leaseToken('w');
    const claimed = await store.claimDeliveries(token, Date.now(), 60_000, 10, ['test.sink']);
    expect(claimed).toHaveLength(4);
    const [a, b, c, d] = claimed;
    const now = Date.now();
    const results = await Promise.all([
      store.record(token, a!.id, { status: 'delivered', attempts: 1, reference: 'r-a', updated_at: now }),
      store.record(token, b!.id, { status: 'dead', attempts: 1, last_error: "x'; --", updated_at: now }),
      store.record('someone-else', c!.id, { status: 'delivered', updated_at: now }),
      store.record(token, d!.id, { next_attempt_at: now + 1000, updated_at: now }),
    ]);
    expect(results).toEqual([true, true, false, true]);
    const byId = new Map((await rows(t)).map((r) => [r.id, r]));
    expect(byId.get(a!.id)).toMatchObject({ status: 'delivered', reference: 'r-a', lease_owner: null });
    expect(byId.get(b!.id)).toMatchObject({ status: 'dead', last_error: "x'; --" });
    expect(byId.get(c!.id)).toMatchObject({ status: 'pending', lease_owner: token });
    expect(byId.get(d!.id)).toMatchObject({ status: 'pending', lease_owner: null });
  });

  it('stop(): in-flight sends finish within the deadline, the others are released', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const record = recordingSender('test.sink', (d) => (d.orderKey === 'slow' ? gate : undefined));
    const w = worker([caseRoute()], [record.sender], { concurrency: 2 });
    await enqueue(t, [caseMessage('slow', 0), caseMessage('quick', 0)]);
    w.start();
    await waitFor(async () => record.effects.length === 1);
    await w.stop(50);
    const slow = (await rows(t)).find((r) => r.order_key === 'slow')!;
    expect(slow).toMatchObject({ status: 'pending', lease_owner: null, attempts: 0 });
    release();
  });
});

describe(`DingTalk todos through the simulator (${dialect})`, () => {
  let sim: DingtalkSimulator;
  let base: string;
  let client: DingtalkClient;
  beforeEach(async () => {
    sim = createDingtalkSimulator(APP);
    base = await sim.listen(0);
    client = createDingtalkClient(
      { ...APP, apiBase: base, v1ApiBase: base, timeoutMs: 2000 },
      { tokenCache: createMemoryTokenCache() },
    );
  });
  afterEach(() => sim.close());

  const todoRoute: DeliveryRoute = {
    name: 'dingtalk-todo',
    topics: ['task.created'],
    plan: async (m) => [
      {
        destination: 'dingtalk.todo',
        key: `todo-${m.payload.taskId}`,
        orderKey: String(m.payload.caseId),
        payload: {
          creator: 'u-zhangwei',
          executor: m.payload.executor,
          subject: `请审核办件 ${m.payload.caseId}`,
        },
      },
    ],
  };
  const todoSender = (afterCreate?: () => Promise<void>): DeliverySender => ({
    destination: 'dingtalk.todo',
    classify: classifyDingtalkError,
    async send(d) {
      const todo = await client.createTodo(String(d.payload.creator), {
        sourceId: d.key,
        subject: String(d.payload.subject),
        executorIds: [String(d.payload.executor)],
        detailUrl: { appUrl: 'dingtalk://dingtalkclient/page/link?url=x', pcUrl: 'https://gcrm.example/t' },
      });
      await afterCreate?.();
      return { outcome: 'delivered', reference: todo.id };
    },
  });
  const taskCreated = (taskId: string, executor = 'u-lina') => ({
    topic: 'task.created',
    aggregateType: 'task',
    aggregateId: taskId,
    dedupeKey: `task.created:${taskId}:${Math.random()}`,
    payload: { taskId, caseId: 'case-1', executor },
  });
  const todosOf = async (unionId: string) => {
    const res = await fetch(new URL(`/__sandbox/todos?unionId=${unionId}`, base));
    return ((await res.json()) as { todos: { sourceId: string }[] }).todos;
  };
  const fault = (body: Record<string, unknown>) =>
    fetch(new URL('/__sandbox/faults', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a worker dies mid-send: its lease expires, the other delivers, the sourceId makes it one todo', async () => {
    let resume!: () => void;
    const hung = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const dying = worker([todoRoute], [todoSender(() => hung)], { name: 'dying', leaseMs: 300 });
    const survivor = worker([todoRoute], [todoSender()], { name: 'survivor', leaseMs: 300 });
    await enqueue(t, [taskCreated('t-1')]);
    await dying.routeOnce();
    expect(await dying.dispatchOnce()).toBe(1);
    await waitFor(async () => (await todosOf('u-lina')).length === 1);
    await survivor.drain();
    const [row] = await rows(t);
    const todos = await todosOf('u-lina');
    expect(todos).toHaveLength(1);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, reference: expect.any(String) });
    // The dead worker wakes up: its lease is gone, so it cannot overwrite the survivor's result.
    resume();
    await dying.settled();
    expect((await rows(t))[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      updated_at: row!.updated_at,
    });
  });

  it('a 500 systemError is retried with backoff; a bad executor is permanent (dead at once)', async () => {
    await fault({ path: TODO_PATH, code: 'systemError', status: 500, times: 2 });
    await enqueue(t, [taskCreated('t-2'), taskCreated('t-3', 'u-nobody')]);
    await worker([todoRoute], [todoSender()]).drain();
    const [ok, bad] = await rows(t);
    expect(ok).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(ok!.last_error).toContain('systemError');
    expect(bad).toMatchObject({ status: 'dead', attempts: 1 });
    expect((await todosOf('u-lina')).map((x) => x.sourceId)).toEqual(['todo-t-2']);
  });

  it('flow control (403 QpsLimitForAppkeyAndApi) burns no attempt and pauses the destination', async () => {
    await fault({ path: TODO_PATH, errcode: 90018, times: 1 });
    await enqueue(t, [taskCreated('t-4')]);
    const started = Date.now();
    await worker([todoRoute], [todoSender()]).drain();
    expect((await rows(t))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // the platform's 1 s guidance
  });

  it('dead letters are fixed and replayed through the admin service', async () => {
    await enqueue(t, [taskCreated('t-5', 'u-nobody')]);
    const w = worker([todoRoute], [todoSender()]);
    await w.drain();
    const admin = new DeliveryAdmin(t.database.db, { breakerStates: () => w.breakerStates() });
    const [dead] = (await admin.list({ status: 'dead' })).items;
    await admin.fixPayload(dead!.id, { ...dead!.payload, executor: 'u-liuyang' }, 'st-admin');
    await admin.replay(dead!.id);
    await w.drain();
    expect(await admin.get(dead!.id)).toMatchObject({
      status: 'delivered',
      edits: [{ by: 'st-admin', previous: { executor: 'u-nobody' } }],
    });
    expect(await todosOf('u-liuyang')).toHaveLength(1);
  });
});
