import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  type DingtalkClient,
  type DingtalkSimulator,
} from '@gcrm/connectors/dingtalk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { dingtalkTodoRoute, dingtalkTodoSender } from '../integration/dingtalk-todo';
import { orgSyncMigrations } from '../org/org-sync.migrations';
import { StaffIdentities } from '../org/staff-identities';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { outboxMigrations } from '../platform/outbox/outbox';
import type { JobContext, JobOutcome } from '../scheduler';
import { workflowMigrations } from '../workflow';
import {
  type DingtalkTodoReconcileOptions,
  dingtalkTodoReconcileJob,
  parseCheckpoint,
} from './dingtalk-todos';
import { driftMigrations } from './drift';

const APP = { appKey: 'dingsimappkey0001', appSecret: 'sim-dingtalk-secret-0123456789abcdef' };
const PAGES = 'https://gcrm.example.test';
const DAY = 86_400_000;
const NOW = Date.now();
const DUE = NOW + 3 * DAY;

/** Staff with a DingTalk identity (the simulator's demo org) and one without. */
const STAFF: Record<string, string> = {
  's-zhang': 'u-zhangwei',
  's-li': 'u-lina',
  's-liu': 'u-liuyang',
  's-wang': 'u-wangfang',
};

let env: TestEnv;
let database: Database;
let sim: DingtalkSimulator;
let client: DingtalkClient;
let runs = 0;

beforeAll(async () => {
  env = await createTestEnv();
  database = createDatabase(env.config.database);
  await migrate(database.db, outboxMigrations, orgSyncMigrations, workflowMigrations, driftMigrations);
});
afterAll(async () => {
  await database?.close();
  await env?.cleanup();
});
beforeEach(async () => {
  const db = database.db;
  for (const table of ['wf_tasks', 'staff_identities', 'reconcile_drift'])
    await db.deleteFrom(table).execute();
  await db
    .insertInto('staff_identities')
    .values(
      Object.entries(STAFF).map(([staff, union]) => ({
        provider: 'dingtalk',
        external_id: union.slice(2),
        union_id: union,
        staff_id: staff,
        linked_at: NOW,
      })),
    )
    .execute();
  sim = createDingtalkSimulator({
    ...APP,
    todoPageSize: 2,
    rateLimits: { appQps: 100_000, globalQps: 100_000 },
  });
  const base = await sim.listen(0);
  client = createDingtalkClient(
    { ...APP, apiBase: base, v1ApiBase: base, timeoutMs: 5000 },
    { tokenCache: createMemoryTokenCache() },
  );
});
afterEach(() => sim.close());

const identities = () => new StaffIdentities(database.db);
const unionIdOf = async (staffId: string) =>
  (await identities().identitiesOf(staffId)).find((i) => i.provider === 'dingtalk')?.union_id ?? undefined;
const serviceName = (code: string) => (code === 'biz-license' ? '营业执照办理' : code);

interface TaskSeed {
  id: string;
  status?: string;
  assignee?: string | null;
  candidates?: string[];
  due?: number | null;
  completedAt?: number | null;
}

async function insertTask(s: TaskSeed): Promise<void> {
  await database.db
    .insertInto('wf_tasks')
    .values({
      id: s.id,
      instance_id: `i-${s.id}`,
      node_instance_id: `n-${s.id}`,
      node_id: 'review',
      node_name: '受理审核',
      kind: 'approval',
      case_id: `c-${s.id}`,
      case_number: `GC2026${s.id.slice(-4).replace(/\D/g, '0')}`,
      service_code: 'biz-license',
      department: 'market',
      assignee_id: s.assignee === undefined ? 's-zhang' : s.assignee,
      candidates: s.candidates ? JSON.stringify(s.candidates) : null,
      status: s.status ?? 'open',
      outcome: null,
      origin: 'flow',
      parent_task_id: null,
      seq: 0,
      created_at: NOW - DAY,
      claimed_at: null,
      completed_at: s.completedAt ?? (s.status && s.status !== 'open' ? NOW - 60_000 : null),
      due_at: s.due === undefined ? DUE : s.due,
      urged_at: null,
      supervised_at: null,
      row_version: 1,
    })
    .execute();
}

/** What the live delivery path does for a task event: the real route plans, the real sender sends. */
async function deliver(topic: 'task.created' | 'task.completed' | 'task.cancelled', taskId: string) {
  const row = await database.db
    .selectFrom('wf_tasks')
    .selectAll()
    .where('id', '=', taskId)
    .executeTakeFirstOrThrow();
  const route = dingtalkTodoRoute(unionIdOf, serviceName);
  const sender = dingtalkTodoSender(client, () => PAGES);
  const planned = await route.plan({
    id: `m-${taskId}-${topic}`,
    topic,
    payload: {
      taskId,
      caseId: row.case_id,
      caseNumber: row.case_number,
      serviceCode: row.service_code,
      nodeName: row.node_name,
      assigneeId: row.assignee_id,
      candidates: row.candidates ? JSON.parse(row.candidates) : null,
      dueAt: row.due_at === null ? null : Number(row.due_at),
    },
  } as never);
  for (const p of planned) await sender.send({ ...p, id: p.key } as never);
}

const todoOf = (sourceId: string) => sim.todos().filter((t) => t.sourceId === sourceId);

function job(options: DingtalkTodoReconcileOptions = {}) {
  return dingtalkTodoReconcileJob({
    db: database.db,
    client,
    unionIdOf,
    serviceName,
    staffPagesBase: () => PAGES,
    options: { now: () => NOW, ...options },
  });
}

interface Run {
  runId: string;
  outcome: JobOutcome | undefined;
  progress: { counts?: Record<string, number>; checkpoint?: string | null }[];
}

async function run(
  options: DingtalkTodoReconcileOptions = {},
  checkpoint: string | null = null,
  abortAfterBatches = Number.POSITIVE_INFINITY,
): Promise<Run> {
  const controller = new AbortController();
  const runId = `run-${++runs}`;
  const progress: Run['progress'] = [];
  const ctx: JobContext = {
    runId,
    signal: controller.signal,
    checkpoint,
    reason: 'manual',
    progress: async (u) => {
      progress.push(u);
      if (progress.length >= abortAfterBatches) controller.abort();
    },
  };
  const outcome = await job(options).run(ctx);
  return { runId, outcome, progress };
}

async function driftOf(runId: string) {
  const rows = await database.db
    .selectFrom('reconcile_drift')
    .select(['kind', 'ref', 'outcome', 'note', 'external_id', 'job'])
    .where('run_id', '=', runId)
    .orderBy('kind')
    .orderBy('ref')
    .execute();
  return rows as { kind: string; ref: string; outcome: string; note: string; external_id: string | null }[];
}

/** Plants one drift of every kind (plus tasks and todos that are right, and a todo that is not ours). */
async function plantEveryKind(): Promise<void> {
  // t-01: the todo was deleted by hand in DingTalk → todo.missing.
  await insertTask({ id: 't-01' });
  await deliver('task.created', 't-01');
  await sandbox('DELETE', `/__sandbox/todos/${todoOf('t-01')[0]?.id}`);
  // t-02: a group task (todo filed under the first candidate) claimed by the second → todo.assignee.
  await insertTask({ id: 't-02', assignee: null, candidates: ['s-zhang', 's-li'] });
  await deliver('task.created', 't-02');
  await database.db
    .updateTable('wf_tasks')
    .set({ assignee_id: 's-li', claimed_at: NOW })
    .where('id', '=', 't-02')
    .execute();
  // t-03: completed in the DingTalk app while the task is still open → todo.state.
  await insertTask({ id: 't-03', assignee: 's-liu' });
  await deliver('task.created', 't-03');
  await sandbox('POST', `/__sandbox/todos/${todoOf('t-03')[0]?.id}/complete`);
  // t-04: the due time moved (the todo has the old one) → todo.due.
  await insertTask({ id: 't-04', due: DUE });
  await deliver('task.created', 't-04');
  await database.db
    .updateTable('wf_tasks')
    .set({ due_at: DUE + DAY })
    .where('id', '=', 't-04')
    .execute();
  // t-05: completed yesterday, its "done" never reached DingTalk → todo.state.
  await insertTask({ id: 't-05', assignee: 's-wang' });
  await deliver('task.created', 't-05');
  await database.db
    .updateTable('wf_tasks')
    .set({ status: 'completed', outcome: 'approved', completed_at: NOW - DAY })
    .where('id', '=', 't-05')
    .execute();
  // t-06: cancelled, its removal never reached DingTalk → todo.state (deleted).
  await insertTask({ id: 't-06', assignee: 's-li' });
  await deliver('task.created', 't-06');
  await database.db
    .updateTable('wf_tasks')
    .set({ status: 'cancelled', outcome: 'not_needed', completed_at: NOW - 3_600_000 })
    .where('id', '=', 't-06')
    .execute();
  // t-07: closed a month ago, its todo still open → todo.extra.
  await insertTask({ id: 't-07', assignee: 's-liu' });
  await deliver('task.created', 't-07');
  await database.db
    .updateTable('wf_tasks')
    .set({ status: 'completed', outcome: 'approved', completed_at: NOW - 30 * DAY })
    .where('id', '=', 't-07')
    .execute();
  // t-99: a todo for a task we do not have (e.g. removed with a test case) → todo.extra.
  const url = `${PAGES}/staff/tasks/t-99`;
  await client.createTodo('u-wangfang', {
    sourceId: 't-99',
    subject: '【待办】营业执照办理 GC20260099：受理审核',
    executorIds: ['u-wangfang', 'u-zhangwei'],
    detailUrl: { appUrl: url, pcUrl: url },
  });
  // Right as they are: an open task with its todo, one without DingTalk staff, a finished pair, and
  // another app's todo in the same list (not ours: never touched).
  await insertTask({ id: 't-08', assignee: 's-wang' });
  await deliver('task.created', 't-08');
  await insertTask({ id: 't-09', assignee: 's-no-dingtalk' });
  await insertTask({ id: 't-10', assignee: 's-zhang' });
  await deliver('task.created', 't-10');
  await database.db
    .updateTable('wf_tasks')
    .set({ status: 'completed', outcome: 'approved', completed_at: NOW - 600_000 })
    .where('id', '=', 't-10')
    .execute();
  await deliver('task.completed', 't-10');
  await client.createTodo('u-zhangwei', {
    sourceId: 'other-app-1',
    subject: '其他系统的待办',
    executorIds: ['u-zhangwei'],
    detailUrl: { appUrl: 'https://other.example.test/x', pcUrl: 'https://other.example.test/x' },
  });
}

async function sandbox(method: string, path: string): Promise<void> {
  const res = await fetch(`${sim.url}${path}`, { method });
  expect(res.status).toBe(200);
}

/** The repaired state every planted drift must end in. */
function expectRepaired(): void {
  const [t01] = todoOf('t-01');
  expect(t01).toMatchObject({
    creatorId: 'u-zhangwei',
    done: false,
    executorIds: ['u-zhangwei'],
    dueTime: DUE,
    subject: '【待办】营业执照办理 GC20260001：受理审核',
    detailUrl: { appUrl: `${PAGES}/staff/tasks/t-01`, pcUrl: `${PAGES}/staff/tasks/t-01` },
  });
  expect(todoOf('t-02')).toEqual([expect.objectContaining({ executorIds: ['u-lina'], done: false })]);
  expect(todoOf('t-03')).toEqual([expect.objectContaining({ done: false })]);
  expect(todoOf('t-04')).toEqual([expect.objectContaining({ dueTime: DUE + DAY, done: false })]);
  expect(todoOf('t-05')).toEqual([expect.objectContaining({ done: true })]);
  expect(todoOf('t-06')).toEqual([]);
  expect(todoOf('t-07')).toEqual([expect.objectContaining({ done: true })]);
  const [t99] = todoOf('t-99');
  expect(t99).toMatchObject({ done: true });
  expect(String(t99?.description)).toContain('【系统对账】');
  expect(todoOf('t-08')).toEqual([expect.objectContaining({ done: false })]);
  expect(todoOf('t-09')).toEqual([]);
  expect(todoOf('other-app-1')).toEqual([expect.objectContaining({ done: false })]);
  // Idempotent by sourceId: one todo per task, however often it was (re)created.
  for (const [sourceId, e] of Object.entries(sim.todoEffects()))
    expect(e.existing, sourceId).toBeLessThanOrEqual(1);
}

const EXPECTED = [
  { kind: 'todo.assignee', ref: 't-02', outcome: 'repaired' },
  { kind: 'todo.due', ref: 't-04', outcome: 'repaired' },
  { kind: 'todo.extra', ref: 't-07', outcome: 'repaired' },
  { kind: 'todo.extra', ref: 't-99', outcome: 'repaired' },
  { kind: 'todo.missing', ref: 't-01', outcome: 'repaired' },
  { kind: 'todo.state', ref: 't-03', outcome: 'repaired' },
  { kind: 'todo.state', ref: 't-05', outcome: 'repaired' },
  { kind: 'todo.state', ref: 't-06', outcome: 'repaired' },
];

describe(`DingTalk todo reconciliation (${dialect})`, () => {
  it('repairs a planted drift of every kind, reports each, and finds nothing the second time', async () => {
    await plantEveryKind();
    const first = await run({ batchSize: 3 });
    const items = await driftOf(first.runId);
    expect(items.map(({ kind, ref, outcome }) => ({ kind, ref, outcome }))).toEqual(EXPECTED);
    for (const item of items) {
      expect(item.note).toMatch(/[\u4e00-\u9fa5]/);
      expect(item.external_id).toBeTruthy();
    }
    expect(first.outcome?.counts).toMatchObject({
      repaired: 8,
      needsPerson: 0,
      'drift.todo.missing': 1,
      'drift.todo.assignee': 1,
      'drift.todo.state': 3,
      'drift.todo.due': 1,
      'drift.todo.extra': 2,
      openChecked: 6,
      closedChecked: 3,
    });
    expect(first.outcome?.summary).toBe('发现 5 类差异：已修复 8 项，需人工处理 0 项');
    expect(first.outcome?.checkpoint).toBeUndefined();
    expect(first.progress.length).toBeGreaterThan(3);
    expectRepaired();

    const second = await run({ batchSize: 3 });
    expect(await driftOf(second.runId)).toEqual([]);
    expect(second.outcome).toMatchObject({ summary: '未发现差异', counts: { repaired: 0, needsPerson: 0 } });
  });

  it('an aborted run returns its checkpoint and the next run resumes from it and finishes', async () => {
    await plantEveryKind();
    const first = await run({ batchSize: 2 }, null, 1);
    // Stopped after the first batch of open tasks (t-01, t-02): those two repaired, nothing else yet.
    expect(first.outcome?.checkpoint).toBe('open:t-02');
    expect(first.progress).toEqual([expect.objectContaining({ checkpoint: 'open:t-02' })]);
    expect((await driftOf(first.runId)).map((i) => i.ref)).toEqual(['t-02', 't-01']);
    expect(todoOf('t-03')).toEqual([expect.objectContaining({ done: true })]);

    // The next run resumes there; stop it again in the middle of the closed phase.
    const second = await run({ batchSize: 2 }, first.outcome?.checkpoint ?? null, 3);
    expect(parseCheckpoint(second.outcome?.checkpoint ?? null).phase).toBe('closed');
    const third = await run({ batchSize: 2 }, second.outcome?.checkpoint ?? null);
    expect(third.outcome?.checkpoint).toBeUndefined();
    const all = [
      ...(await driftOf(first.runId)),
      ...(await driftOf(second.runId)),
      ...(await driftOf(third.runId)),
    ]
      .map(({ kind, ref, outcome }) => ({ kind, ref, outcome }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref));
    // Every drift found exactly once across the three runs; none of them repeated the first one's work.
    expect(all).toEqual(EXPECTED);
    expectRepaired();
    const again = await run({ batchSize: 2 });
    expect(await driftOf(again.runId)).toEqual([]);
  });

  it('does not fight the live worker: a task closed meanwhile is left to it, a duplicate create is success', async () => {
    await insertTask({ id: 't-21', assignee: 's-zhang' });
    await insertTask({ id: 't-22', assignee: 's-li' });
    await deliver('task.created', 't-22');
    // The worker creates t-21's todo and completes t-22 between our read of the batch and our repair.
    const racing = {
      ...client,
      getTodoBySourceId: async (unionId: string, sourceId: string) => {
        if (sourceId === 't-21') {
          const miss = client.getTodoBySourceId(unionId, sourceId);
          await miss.catch(() => {});
          await deliver('task.created', 't-21');
          return miss;
        }
        const todo = await client.getTodoBySourceId(unionId, sourceId);
        if (sourceId === 't-22') {
          await sandbox('POST', `/__sandbox/todos/${todo.id}/complete`);
          await database.db
            .updateTable('wf_tasks')
            .set({ status: 'completed', outcome: 'approved', completed_at: NOW })
            .where('id', '=', 't-22')
            .execute();
          return { ...todo, done: true };
        }
        return todo;
      },
    };
    const r = await dingtalkTodoReconcileJob({
      db: database.db,
      client: racing,
      unionIdOf,
      serviceName,
      staffPagesBase: () => PAGES,
      options: { now: () => NOW },
    }).run({
      runId: 'run-race',
      signal: new AbortController().signal,
      checkpoint: null,
      reason: 'manual',
      progress: async () => {},
    });
    // t-21: our create met the worker's todo (duplicate sourceId) → the same todo, one of it.
    expect(sim.todoEffects()['t-21']).toMatchObject({ created: 1, duplicateRejected: 1, existing: 1 });
    // t-22: closed by the time we would have reopened its todo → left done.
    expect(todoOf('t-22')).toEqual([expect.objectContaining({ done: true })]);
    expect((await driftOf('run-race')).map((i) => i.ref)).toEqual(['t-21']);
    expect(r?.counts).toMatchObject({ repaired: 1 });
  });

  it('records needs_person when DingTalk refuses (a user who left)', async () => {
    await database.db
      .insertInto('staff_identities')
      .values({
        provider: 'dingtalk',
        external_id: 'gone',
        union_id: 'u-gone',
        staff_id: 's-gone',
        linked_at: NOW,
      })
      .execute();
    await insertTask({ id: 't-31', assignee: 's-gone' });
    const r = await run();
    const items = await driftOf(r.runId);
    expect(items.map(({ kind, ref, outcome }) => ({ kind, ref, outcome }))).toEqual([
      { kind: 'todo.extra', ref: 's-gone', outcome: 'needs_person' },
      { kind: 'todo.missing', ref: 't-31', outcome: 'needs_person' },
    ]);
    expect(items[1]?.note).toContain('请人工处理');
    expect(r.outcome?.counts).toMatchObject({ repaired: 0, needsPerson: 2 });
  });

  it('parses checkpoints, falling back to a fresh start', () => {
    expect(parseCheckpoint('closed:t-05')).toEqual({ phase: 'closed', after: 't-05' });
    expect(parseCheckpoint('extra:u-lina')).toEqual({ phase: 'extra', after: 'u-lina' });
    expect(parseCheckpoint(null)).toEqual({ phase: 'open', after: '' });
    expect(parseCheckpoint('bogus')).toEqual({ phase: 'open', after: '' });
  });
});
