import { randomUUID } from 'node:crypto';
import type { FlowDefinition } from '@gcrm/config/catalog';
import { loadOrg } from '@gcrm/config/org';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { OrgDirectory } from '../org';
import { shippedCalendar } from '../platform/calendar';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { outboxMigrations } from '../platform/outbox/outbox';
import { FlowStore } from './flow-store';
import { TimerRunner } from './timer-runner';
import { workflowMigrations } from './workflow.migrations';
import { WorkflowRepository } from './workflow.repository';
import { type CasePort, WorkflowService } from './workflow.service';

// China time: 2026-09-30 10:00 (Wednesday before 国庆 10/1–10/7), 2026-02-13 10:00 (Friday before
// the 春节 make-up Saturday 2/14), as epoch ms.
const CN = (iso: string) => Date.parse(`${iso}+08:00`);

const org = OrgDirectory.of(loadOrg(), { supervisionOffice: 'supervision' });

/** A case port that keeps progress in memory: this suite is about the workflow's own tables. */
function casePort(facts: Record<string, unknown> = {}) {
  const progress: { caseId: string; type: string; toStatus?: string }[] = [];
  const port: CasePort = {
    facts: async () => ({
      form: facts,
      case: { serviceCode: 'test.flow', channel: 'wechat', caseNumber: 'n' },
    }),
    recordProgress: (_tx, batch) => {
      for (const { caseId, entries } of batch) {
        for (const e of entries) progress.push({ caseId, type: e.type, toStatus: e.toStatus });
      }
    },
    view: async () => ({}),
    reveal: async () => undefined,
    search: async () => [],
    validateCorrection: async () => {
      throw new Error('not used');
    },
    updateFormData: async () => {},
  };
  return { port, progress };
}

const approver = (id: string, department: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `${id} 审核`,
  type: 'approver' as const,
  department,
  mode: 'any' as const,
  assignees: [{ type: 'role' as const, role: 'clerk' }],
  onReject: { action: 'end' as const },
  ...extra,
});

const flows: FlowDefinition[] = [
  {
    id: 'test-deadline',
    version: 1,
    name: '时限测试',
    department: 'hrss',
    nodes: [
      approver('first', 'hrss', {
        timeLimit: {
          workingDays: 1,
          onTimeout: {
            action: 'escalate',
            to: { type: 'role', role: 'supervisor', department: 'supervision' },
          },
        },
      }),
    ],
  },
  {
    id: 'test-parallel',
    version: 1,
    name: '并联测试',
    department: 'hrss',
    nodes: [
      approver('accept', 'hrss', { accepts: true }),
      {
        id: 'departments',
        name: '并联办理',
        type: 'parallel',
        branches: [
          {
            name: '公安',
            nodes: [
              approver('ps-check', 'ps'),
              approver('ps-approve', 'ps', { assignees: [{ type: 'role', role: 'approver' }] }),
            ],
          },
          {
            name: '医保',
            nodes: [
              {
                id: 'hsa-push',
                name: '推送医保平台',
                type: 'automatic',
                department: 'hsa',
                action: {
                  type: 'connector',
                  connector: 'oa',
                  operation: 'push-case',
                  params: { department: 'hsa' },
                },
                waitForResult: true,
              },
            ],
          },
        ],
      },
      approver('summary', 'hrss'),
      { id: 'end', name: '办结', type: 'end', outcome: 'approved' },
    ],
  },
];

describe(`workflow service on ${dialect}: durable timers, deadlines, parallel branches`, () => {
  let env: TestEnv;
  let a: Database;
  let b: Database;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    env = await createTestEnv();
    a = createDatabase(env.config.database);
    // Two instances on MySQL: two pools racing for the same rows. better-sqlite3 is synchronous, so two
    // connections in one process would block the event loop on each other's lock; SQLite instances
    // share one connection here (several processes on one SQLite file lock at the file level).
    b = dialect === 'mysql' ? createDatabase(env.config.database) : a;
    await migrate(a.db, outboxMigrations, workflowMigrations);
    const store = new FlowStore(a.db, {
      hasDepartment: (c) => org.department(c) !== undefined,
      hasStaff: (id) => org.staff(id) !== undefined,
    });
    await store.publish(flows, 'test');
  });
  afterAll(async () => {
    await a?.close();
    if (b !== a) await b?.close();
    await env?.cleanup();
  });

  /** One gateway instance: its own database handle, flow store and service, a clock of its own. */
  function instance(db: Database, clock: { now: number }, facts?: Record<string, unknown>) {
    const repo = new WorkflowRepository(db.db);
    const store = new FlowStore(db.db, { hasDepartment: () => true, hasStaff: () => true });
    const cases = casePort(facts);
    const service = new WorkflowService(db.db, repo, store, org, shippedCalendar(), cases.port, {
      now: () => clock.now,
    });
    return { repo, service, progress: cases.progress };
  }

  async function start(service: WorkflowService, db: Database, flow: string, now: number) {
    const caseId = randomUUID();
    await inTransaction(db.db, (tx) =>
      service.start(tx, {
        caseId,
        caseNumber: `T${now}`,
        serviceCode: 'test.flow',
        citizenId: 'c-1',
        flow,
        facts: { form: {}, case: { serviceCode: 'test.flow', channel: 'wechat', caseNumber: 'n' } },
        now,
      }),
    );
    return caseId;
  }

  it('counts deadlines in working days across 国庆 and a 调休 Saturday', async () => {
    const clock = { now: CN('2026-09-30T10:00:00') };
    const one = instance(a, clock);
    const beforeHoliday = await start(one.service, a, 'test-deadline@1', clock.now);
    clock.now = CN('2026-02-13T10:00:00');
    const beforeMakeUp = await start(one.service, a, 'test-deadline@1', clock.now);
    const due = async (caseId: string) => {
      const id = (await one.repo.instanceIdOf({ caseId }))!;
      const state = (await one.repo.load(id))!;
      return new Date(state.tasks[0]!.due_at!).toISOString();
    };
    expect(await due(beforeHoliday)).toBe('2026-10-08T09:30:00.000Z'); // Thursday 10/8 17:30 China time
    expect(await due(beforeMakeUp)).toBe('2026-02-14T09:30:00.000Z'); // Saturday 2/14 is a workday
  });

  it('fires each due timer exactly once with two instances ticking at the same time', async () => {
    const clock = { now: CN('2026-03-02T10:00:00') };
    const one = instance(a, clock);
    const two = instance(b, clock);
    const cases = [];
    for (let i = 0; i < 12; i++)
      cases.push(await start(i % 2 ? two.service : one.service, a, 'test-deadline@1', clock.now));
    clock.now = CN('2026-03-04T10:00:00'); // past every deadline (03-03 17:30)
    const runners = [one, two].map(
      (x, i) =>
        new TimerRunner(x.repo, x.service, log, {
          intervalMs: 60_000,
          name: `gw-${i}`,
          now: () => clock.now,
        }),
    );
    const due = await a.db
      .selectFrom('wf_timers')
      .select('id')
      .where('status', '=', 'pending')
      .where('due_at', '<=', clock.now)
      .execute();
    expect(due.length).toBeGreaterThanOrEqual(12);
    const fired = await Promise.all(runners.map((r) => r.tick()));
    expect(fired[0]! + fired[1]!).toBe(due.length);
    expect(await Promise.all(runners.map((r) => r.tick()))).toEqual([0, 0]);
    for (const caseId of cases) {
      const id = (await one.repo.instanceIdOf({ caseId }))!;
      const history = await one.repo.history(id);
      expect(history.filter((h) => h.action === 'timed_out')).toHaveLength(1);
      expect(history.filter((h) => h.action === 'supervised')).toHaveLength(1);
      const state = (await one.repo.load(id))!;
      // 督办: the supervisors and the department head are copied; the task stays with its holder.
      const cc = state.tasks
        .filter((t) => t.kind === 'cc')
        .map((t) => t.assignee_id)
        .sort();
      expect(cc).toEqual([
        'st-hrss-head',
        'st-supervision-head',
        'st-supervision-supervisor-1',
        'st-supervision-supervisor-2',
      ]);
      expect(state.tasks.find((t) => t.kind === 'approval')!.supervised_at).not.toBeNull();
      const timers = await one.repo.timersOf(id);
      expect(timers.filter((t) => t.status === 'done')).toHaveLength(1);
    }
  });

  it('lets a 1-working-day limit set before 国庆 time out only after the holiday', async () => {
    const clock = { now: CN('2026-09-30T10:00:00') };
    const one = instance(a, clock);
    const caseId = await start(one.service, a, 'test-deadline@1', clock.now);
    const id = (await one.repo.instanceIdOf({ caseId }))!;
    const runner = new TimerRunner(one.repo, one.service, log, {
      intervalMs: 60_000,
      name: 'gw',
      now: () => clock.now,
    });
    const timedOut = async () => (await one.repo.history(id)).some((h) => h.action === 'timed_out');
    clock.now = CN('2026-10-07T20:00:00'); // seven calendar days later, still inside the holiday
    await runner.tick();
    expect(await timedOut()).toBe(false);
    clock.now = CN('2026-10-08T17:29:00'); // the first working day after it, before closing time
    await runner.tick();
    expect(await timedOut()).toBe(false);
    clock.now = CN('2026-10-08T17:31:00');
    await runner.tick();
    expect(await timedOut()).toBe(true);
  });

  it('fires on start a timer that fell due while no instance was running', async () => {
    const clock = { now: CN('2026-03-09T10:00:00') };
    const one = instance(a, clock);
    const caseId = await start(one.service, a, 'test-deadline@1', clock.now);
    clock.now = CN('2026-03-20T10:00:00'); // "the process was down" for days
    const runner = new TimerRunner(one.repo, one.service, log, {
      intervalMs: 60_000,
      name: 'gw-restarted',
      now: () => clock.now,
    });
    const id = (await one.repo.instanceIdOf({ caseId }))!;
    runner.start(); // ticks at once, before its first interval
    await expect
      .poll(async () => (await one.repo.history(id)).some((h) => h.action === 'timed_out'), { timeout: 5000 })
      .toBe(true);
    await runner.stop();
  });

  it('runs parallel branches: an OA step waits for its result, the join waits for both', async () => {
    const clock = { now: CN('2026-03-02T10:00:00') };
    const one = instance(a, clock);
    const caseId = await start(one.service, a, 'test-parallel@1', clock.now);
    const id = (await one.repo.instanceIdOf({ caseId }))!;
    const open = async (nodeId: string, staffId: string) =>
      (await one.repo.load(id))!.tasks.find(
        (t) =>
          t.node_id === nodeId && t.status === 'open' && t.kind === 'approval' && t.assignee_id === staffId,
      )!;

    await one.service.approve('st-hrss-clerk-1', (await open('accept', 'st-hrss-clerk-1')).id, {
      comment: '受理',
    });
    expect(one.progress.map((p) => p.type)).toEqual(['accepted']);
    const state = (await one.repo.load(id))!;
    const push = state.nodes.find((n) => n.node_id === 'hsa-push')!;
    expect(push.status).toBe('active');

    await one.service.approve('st-ps-clerk-1', (await open('ps-check', 'st-ps-clerk-1')).id, {});
    // 退回 inside the branch: ps-approve sends it back to ps-check; the OA branch keeps waiting.
    await one.service.sendBack('st-ps-approver-1', (await open('ps-approve', 'st-ps-approver-1')).id, {
      target: 'ps-check',
      comment: '补充核查',
    });
    const rewound = (await one.repo.load(id))!;
    expect(rewound.nodes.filter((n) => n.node_id === 'ps-check').map((n) => n.round)).toEqual([1, 2]);
    expect(rewound.nodes.find((n) => n.id === push.id)!.status).toBe('active');

    await one.service.approve('st-ps-clerk-2', (await open('ps-check', 'st-ps-clerk-2')).id, {});
    await one.service.approve('st-ps-approver-1', (await open('ps-approve', 'st-ps-approver-1')).id, {});
    expect((await one.repo.load(id))!.tasks.some((t) => t.node_id === 'summary')).toBe(false); // join waits for OA

    await one.service.automaticResult(push.id, 'approved', 'OA 已办结');
    await expect(one.service.automaticResult(push.id, 'approved', null)).rejects.toMatchObject({
      status: 409,
    });
    const summary = await open('summary', 'st-hrss-clerk-2');
    expect(summary).toBeDefined();

    // 退回 from after the join into one branch: only that branch runs again, the OA branch counts as done.
    await one.service.sendBack('st-hrss-clerk-2', summary.id, {
      target: 'ps-approve',
      comment: '户籍信息需复核',
    });
    const reopened = (await one.repo.load(id))!;
    const parallel = reopened.nodes.filter((n) => n.node_id === 'departments');
    expect(parallel.map((n) => n.status)).toEqual(['completed', 'active']);
    expect(reopened.nodes.filter((n) => n.node_id === 'hsa-push')).toHaveLength(1);
    await one.service.approve('st-ps-approver-1', (await open('ps-approve', 'st-ps-approver-1')).id, {});
    await one.service.approve('st-hrss-clerk-1', (await open('summary', 'st-hrss-clerk-1')).id, {});
    const finished = (await one.repo.load(id))!;
    expect(finished.instance.status).toBe('approved');
    expect(one.progress.at(-1)).toMatchObject({ type: 'completed', toStatus: 'completed' });
    const topics = (
      await a.db.selectFrom('outbox').select('topic').where('aggregate_id', '=', caseId).execute()
    ).map((r: { topic: string }) => r.topic);
    expect(topics).toEqual(expect.arrayContaining(['workflow.automatic', 'case.accepted', 'case.completed']));
  });
});
