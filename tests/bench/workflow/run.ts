/**
 * Workflow benchmark (`npm run bench:workflow`): a flow with a 3-way parallel branch of approver nodes
 * (three departments) and a join, started and completed by simulated staff, persisted in MySQL
 * (MariaDB here) through the gateway's WorkflowService — the same code the HTTP routes call — with 50
 * staff acting at once. In the same run, bpmn-engine (in memory, no persistence) runs the equivalent
 * BPMN process as the anchor (bpmn-anchor.ts).
 *
 * Each case: one start (instance, node rows, three tasks, history, outbox, case row and timeline in one
 * transaction), then its three tasks approved by three different staff members, one action each; the
 * last approval joins the branches and ends the case. Measured: completed cases per second, and the
 * latency of each staff action (approve) at that concurrency.
 *
 * Flags: --cases N (3000)  --concurrency N (50)  --warmup N (300)
 * The last line is one JSON object: {"bench":"workflow","ratio",…,"pass"}.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { FlowDefinition } from '@gcrm/config/catalog';
import { createConnection } from 'mysql2/promise';
import { CasesRepository, casesMigrations } from '../../../gateway/src/cases';
import type { CaseEventRow, CaseRow } from '../../../gateway/src/cases/cases.repository';
import { OrgDirectory } from '../../../gateway/src/org';
import { shippedCalendar } from '../../../gateway/src/platform/calendar';
import { createDatabase } from '../../../gateway/src/platform/db/database';
import { GroupCommit } from '../../../gateway/src/platform/db/group-commit';
import { migrate } from '../../../gateway/src/platform/db/migrate';
import { inTransaction } from '../../../gateway/src/platform/db/transaction';
import { outboxMigrations } from '../../../gateway/src/platform/outbox/outbox';
import {
  type CasePort,
  FlowStore,
  type PreparedStart,
  WorkflowRepository,
  WorkflowService,
  workflowMigrations,
} from '../../../gateway/src/workflow';
import { runBpmnAnchor } from './bpmn-anchor';

const FLOOR = 3;
const P99_CEILING_MS = 50;
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root' };

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '300' },
    // For profiling one side alone; the figures (and the JSON line) need both.
    only: { type: 'string' },
  },
});
const CASES = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);

const DEPARTMENTS = ['dept-a', 'dept-b', 'dept-c'] as const;
const STAFF_PER_DEPARTMENT = Math.ceil(CONCURRENCY / DEPARTMENTS.length);

const org = OrgDirectory.of({
  departments: [
    { code: 'gov', name: '临江市人民政府' },
    ...DEPARTMENTS.map((code, i) => ({
      code,
      name: ['市公安局', '市医疗保障局', '市人社局'][i]!,
      parent: 'gov',
    })),
  ],
  staff: DEPARTMENTS.flatMap((department) =>
    Array.from({ length: STAFF_PER_DEPARTMENT }, (_, i) => ({
      id: `st-${department}-${i}`,
      name: `工作人员${i}`,
      memberships: [{ department, roles: ['approver'] }],
    })),
  ),
});

// Each case's three approvers are chosen by a rule over the case number, so that the 50 staff share the work.
const flow: FlowDefinition = {
  id: 'bench-parallel',
  version: 1,
  name: '三部门并联审批',
  department: 'dept-a',
  nodes: [
    {
      id: 'departments',
      name: '三部门并联办理',
      type: 'parallel',
      branches: DEPARTMENTS.map((department) => ({
        name: department,
        nodes: [
          {
            id: `${department}-approve`,
            name: `${department} 审批`,
            type: 'approver' as const,
            department,
            mode: 'any' as const,
            assignees: [
              {
                type: 'rule' as const,
                cases: Array.from({ length: STAFF_PER_DEPARTMENT }, (_, i) => ({
                  when: { fact: 'case.slot', operator: 'equal' as const, value: i },
                  assignees: { type: 'user' as const, users: [`st-${department}-${i}`] },
                })),
              },
            ],
            onReject: { action: 'end' as const },
            timeLimit: { workingDays: 5, onTimeout: { action: 'remind' as const } },
          },
        ],
      })),
    },
    { id: 'end', name: '办结', type: 'end', outcome: 'approved' },
  ],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function ours() {
  const name = `gcrm_bench_wf_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection(MYSQL);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const database = createDatabase({
    kind: 'mysql',
    url: `mysql://root@127.0.0.1:3306/${name}`,
    poolSize: 20,
  });
  try {
    const { db } = database;
    await migrate(db, outboxMigrations, casesMigrations, workflowMigrations);
    const flows = new FlowStore(db, { hasDepartment: () => true, hasStaff: () => true });
    await flows.publish([flow], 'bench');
    const casesRepo = new CasesRepository(db);
    const facts = new Map<string, { slot: number }>();
    const port: CasePort = {
      facts: async (caseId) => ({
        form: {},
        case: { serviceCode: 'bench', channel: 'wechat', caseNumber: caseId, ...facts.get(caseId) },
      }),
      recordProgress: (tx, batch, statements) => casesRepo.recordProgress(tx, batch, statements),
      view: async () => ({}),
      reveal: async () => undefined,
      search: async () => [],
      validateCorrection: async () => {
        throw new Error('not used');
      },
      updateFormData: async () => {},
    };
    const repo = new WorkflowRepository(db);
    const workflow = new WorkflowService(db, repo, flows, org, shippedCalendar(), port);

    // Starts go the way intake writes them (CaseWriter): the cases of concurrent submissions share one
    // transaction — case row, timeline entry, and the flow prepared in memory — with group commit.
    type Start = { row: CaseRow; event: CaseEventRow; flow: PreparedStart };
    const starts = new GroupCommit<Start, true>(
      (items) =>
        inTransaction(db, async (tx) => {
          await casesRepo.insertCases(
            tx,
            items.map((i) => i.row),
            items.map((i) => i.event),
          );
          await workflow.writeStarts(
            tx,
            items.map((i) => i.flow),
          );
          return items.map(() => true as const);
        }),
      { maxBatch: 64, concurrency: 2 },
    );

    let next = 0;
    const runCase = async (actionMs: number[] | undefined) => {
      const n = next++;
      const slot = n % STAFF_PER_DEPARTMENT;
      const caseId = randomUUID();
      const caseNumber = `B${String(n).padStart(12, '0')}`;
      const now = Date.now();
      facts.set(caseId, { slot });
      const flow = await workflow.prepareStart({
        caseId,
        caseNumber,
        serviceCode: 'bench',
        citizenId: 'c-bench',
        flow: 'bench-parallel@1',
        facts: { form: {}, case: { serviceCode: 'bench', channel: 'wechat', caseNumber, slot } as never },
        now,
      });
      await starts.add({
        row: {
          id: caseId,
          case_number: caseNumber,
          citizen_id: 'c-bench',
          service_code: 'bench',
          service_version: 1,
          channel: 'wechat',
          status: 'submitted',
          form_data: '{}',
          created_at: now,
          updated_at: now,
          row_version: 1,
          form_id: null,
          form_version: null,
        },
        event: {
          id: randomUUID(),
          case_id: caseId,
          type: 'submitted',
          from_status: null,
          to_status: 'submitted',
          actor_type: 'citizen',
          actor_id: 'c-bench',
          note: null,
          created_at: now,
        },
        flow,
      });
      // What the staff's 待办 shows them: the tasks of the case (one read), then each approves.
      const tasks = (await repo.load({ caseId }))!.tasks;
      for (const task of tasks) {
        const t0 = performance.now();
        await workflow.approve(task.assignee_id!, task.id, { comment: '同意' });
        actionMs?.push(performance.now() - t0);
      }
      facts.delete(caseId);
    };
    const pool = async (total: number, actionMs?: number[]) => {
      let started = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (started < total) {
            started++;
            await runCase(actionMs);
          }
        }),
      );
    };
    await pool(WARMUP);
    const actionMs: number[] = [];
    const t0 = performance.now();
    await pool(CASES, actionMs);
    const seconds = (performance.now() - t0) / 1000;
    const approved = await db
      .selectFrom('wf_instances')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    if (Number(approved.n) !== WARMUP + CASES) {
      throw new Error(`expected ${WARMUP + CASES} completed cases, found ${approved.n}`);
    }
    actionMs.sort((a, b) => a - b);
    return {
      cases: CASES,
      seconds,
      casesPerSec: CASES / seconds,
      p50ActionMs: percentile(actionMs, 50),
      p99ActionMs: percentile(actionMs, 99),
    };
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
}

const skipped = {
  cases: 0,
  seconds: 0,
  casesPerSec: Number.NaN,
  p50ActionMs: Number.NaN,
  p99ActionMs: Number.NaN,
};
const mine = values.only === 'anchor' ? skipped : await ours();
const anchor =
  values.only === 'ours'
    ? skipped
    : await runBpmnAnchor({ cases: CASES, concurrency: CONCURRENCY, warmup: WARMUP });
const ratio = mine.casesPerSec / anchor.casesPerSec;
const pass = ratio >= FLOOR && mine.p99ActionMs <= P99_CEILING_MS;

const row = (name: string, r: { casesPerSec: number; p99ActionMs: number; seconds: number }, note: string) =>
  `${name.padEnd(34)} ${r.casesPerSec.toFixed(1).padStart(10)} ${r.p99ActionMs.toFixed(1).padStart(12)} ${r.seconds.toFixed(2).padStart(9)}  ${note}`;
console.log(
  `\nworkflow: 3-way parallel approval, ${CASES} cases, ${CONCURRENCY} concurrent staff (warm-up ${WARMUP})`,
);
console.log(
  `${'engine'.padEnd(34)} ${'cases/s'.padStart(10)} ${'p99 act ms'.padStart(12)} ${'seconds'.padStart(9)}`,
);
console.log(row('G-CRM WorkflowService (MariaDB)', mine, `p50 action ${mine.p50ActionMs.toFixed(1)} ms`));
console.log(row('bpmn-engine 25 (in memory)', anchor, 'anchor, no persistence'));
console.log(
  `ratio ${ratio.toFixed(2)} (floor ${FLOOR}), p99 action ${mine.p99ActionMs.toFixed(1)} ms (ceiling ${P99_CEILING_MS})\n`,
);
console.log(
  JSON.stringify({
    bench: 'workflow',
    ratio: Number(ratio.toFixed(3)),
    floor: FLOOR,
    cases_per_s: Number(mine.casesPerSec.toFixed(1)),
    bpmn_engine_per_s: Number(anchor.casesPerSec.toFixed(1)),
    p99_action_ms: Number(mine.p99ActionMs.toFixed(1)),
    pass,
  }),
);
