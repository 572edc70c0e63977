/**
 * Baseline for the intake benchmark: a bare Koa app (no router, no validation, no auth) that reads the
 * body of `POST /api/v1/cases`, JSON.parses it and writes the same rows as the gateway in one
 * transaction with the raw driver: the key row, the case, its timeline entry, and the start of its
 * flow (生育津贴申领@1: the instance, the 窗口受理 node with its claimable task and two candidates, the
 * history entry, three deadline timers) with the two outbox messages (case.submitted, task.created).
 *
 * It creates its own tables with hand-written DDL equal to the gateway's migrations (run.ts compares
 * the two schemas after each run). Started by run.ts as a child process:
 *
 *   BASELINE_DATABASE=sqlite:/tmp/x.sqlite | mysql://root@127.0.0.1:3306/db   PORT=0   tsx baseline.ts
 *
 * Prints `baseline listening: http://127.0.0.1:PORT` once ready; SIGTERM drains and exits.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import Koa from 'koa';
import { createPool, type Pool } from 'mysql2/promise';

type Dialect = 'sqlite' | 'mysql';

/** The gateway's tables, as its migrations create them (cases.migrations.ts, outbox.ts). */
function ddl(dialect: Dialect): string[] {
  const end = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  return [
    `create table outbox (id varchar(36) primary key, topic varchar(64) not null, aggregate_type varchar(32) not null, aggregate_id varchar(64) not null, dedupe_key varchar(191) not null unique, payload mediumtext not null, status varchar(16) not null, attempts integer not null, next_attempt_at bigint not null, last_error text, created_at bigint not null)${end}`,
    'create index outbox_due on outbox (status, next_attempt_at)',
    'create index outbox_aggregate on outbox (aggregate_type, aggregate_id)',
    `create table cases (id varchar(36) primary key, case_number varchar(32) not null unique, citizen_id varchar(36) not null, service_code varchar(64) not null, service_version integer not null, channel varchar(16) not null, status varchar(32) not null, form_data mediumtext not null, created_at bigint not null, updated_at bigint not null, row_version integer not null)${end}`,
    'create index cases_citizen_created on cases (citizen_id, created_at, id)',
    `create table case_events (id varchar(36) primary key, case_id varchar(36) not null, type varchar(32) not null, from_status varchar(32), to_status varchar(32), actor_type varchar(16) not null, actor_id varchar(64), note text, created_at bigint not null)${end}`,
    'create index case_events_case on case_events (case_id, created_at)',
    `create table idempotency_keys (citizen_id varchar(36) not null, idem_key varchar(255) not null, request_hash char(64) not null, response_status integer not null, response_body mediumtext not null, case_id varchar(36) not null, created_at bigint not null, constraint idempotency_keys_pk primary key (citizen_id, idem_key))${end}`,
    'alter table cases add column form_id varchar(64)',
    'alter table cases add column form_version integer',
    `create table wf_instances (id varchar(36) primary key, case_id varchar(36) not null unique, case_number varchar(32) not null, service_code varchar(64) not null, citizen_id varchar(36) not null, flow_id varchar(64) not null, flow_version integer not null, department varchar(64) not null, status varchar(16) not null, accepted_at bigint, started_at bigint not null, ended_at bigint, due_at bigint, state text not null, row_version integer not null, written_by varchar(36))${end}`,
    'create index wf_instances_flow on wf_instances (flow_id, flow_version, status)',
    `create table wf_nodes (id varchar(36) primary key, instance_id varchar(36) not null, node_id varchar(64) not null, node_type varchar(16) not null, round integer not null, status varchar(16) not null, outcome varchar(16), state text not null, started_at bigint not null, ended_at bigint, due_at bigint)${end}`,
    'create index wf_nodes_instance on wf_nodes (instance_id)',
    `create table wf_tasks (id varchar(36) primary key, instance_id varchar(36) not null, node_instance_id varchar(36) not null, node_id varchar(64) not null, node_name varchar(100) not null, kind varchar(16) not null, case_id varchar(36) not null, case_number varchar(32) not null, service_code varchar(64) not null, department varchar(64) not null, assignee_id varchar(64), candidates text, status varchar(16) not null, outcome varchar(16), origin varchar(16) not null, parent_task_id varchar(36), seq integer not null, created_at bigint not null, claimed_at bigint, completed_at bigint, due_at bigint, urged_at bigint, supervised_at bigint, row_version integer not null)${end}`,
    'create index wf_tasks_instance on wf_tasks (instance_id)',
    'create index wf_tasks_assignee on wf_tasks (assignee_id, kind, status, created_at, id)',
    'create index wf_tasks_department on wf_tasks (department, status, created_at, id)',
    `create table wf_task_candidates (staff_id varchar(64) not null, task_id varchar(36) not null, constraint wf_task_candidates_pk primary key (staff_id, task_id))${end}`,
    'create index wf_task_candidates_task on wf_task_candidates (task_id)',
    `create table wf_history (id varchar(36) primary key, instance_id varchar(36) not null, case_id varchar(36) not null, seq integer not null, task_id varchar(36), node_id varchar(64), action varchar(32) not null, actor_type varchar(16) not null, actor_id varchar(64), comment text, details text, created_at bigint not null)${end}`,
    'create index wf_history_instance on wf_history (instance_id, seq)',
    `create table wf_timers (id varchar(36) primary key, instance_id varchar(36) not null, task_id varchar(36), node_instance_id varchar(36), kind varchar(16) not null, due_at bigint not null, status varchar(16) not null, payload text not null, fired_at bigint, fired_by varchar(64))${end}`,
    'create index wf_timers_due on wf_timers (status, due_at)',
    'create index wf_timers_instance on wf_timers (instance_id)',
    'create index wf_timers_node on wf_timers (node_instance_id)',
  ];
}

const INSERT_IDEMPOTENCY =
  'insert into idempotency_keys (citizen_id, idem_key, request_hash, response_status, response_body, case_id, created_at) values (?, ?, ?, ?, ?, ?, ?)';
const INSERT_CASE =
  'insert into cases (id, case_number, citizen_id, service_code, service_version, channel, status, form_data, created_at, updated_at, row_version, form_id, form_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_EVENT =
  'insert into case_events (id, case_id, type, from_status, to_status, actor_type, actor_id, note, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const OUTBOX_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_OUTBOX = `insert into outbox (id, topic, aggregate_type, aggregate_id, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at) values ${OUTBOX_ROW}, ${OUTBOX_ROW}`;
const INSERT_INSTANCE =
  'insert into wf_instances (id, case_id, case_number, service_code, citizen_id, flow_id, flow_version, department, status, accepted_at, started_at, ended_at, due_at, state, row_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_NODE =
  'insert into wf_nodes (id, instance_id, node_id, node_type, round, status, outcome, state, started_at, ended_at, due_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_TASK =
  'insert into wf_tasks (id, instance_id, node_instance_id, node_id, node_name, kind, case_id, case_number, service_code, department, assignee_id, candidates, status, outcome, origin, parent_task_id, seq, created_at, claimed_at, completed_at, due_at, urged_at, supervised_at, row_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_CANDIDATES = 'insert into wf_task_candidates (staff_id, task_id) values (?, ?), (?, ?)';
const INSERT_HISTORY =
  'insert into wf_history (id, instance_id, case_id, seq, task_id, node_id, action, actor_type, actor_id, comment, details, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const TIMER_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_TIMERS = `insert into wf_timers (id, instance_id, task_id, node_instance_id, kind, due_at, status, payload, fired_at, fired_by) values ${TIMER_ROW}, ${TIMER_ROW}, ${TIMER_ROW}`;

type Params = (string | number | null)[];

interface Writes {
  idempotency: Params;
  kase: Params;
  event: Params;
  outbox: Params;
  instance: Params;
  node: Params;
  task: Params;
  candidates: Params;
  history: Params;
  timers: Params;
}

/** The statements of one submission, in the gateway's order. */
const STATEMENTS: [keyof Writes, string][] = [
  ['idempotency', INSERT_IDEMPOTENCY],
  ['kase', INSERT_CASE],
  ['event', INSERT_EVENT],
  ['instance', INSERT_INSTANCE],
  ['node', INSERT_NODE],
  ['task', INSERT_TASK],
  ['candidates', INSERT_CANDIDATES],
  ['history', INSERT_HISTORY],
  ['timers', INSERT_TIMERS],
  ['outbox', INSERT_OUTBOX],
];

interface Store {
  write(w: Writes): Promise<void>;
  close(): Promise<void>;
}

function sqliteStore(file: string): Store {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Same pragmas as the gateway (gateway/src/platform/db/database.ts), so the ratio measures only the gateway's own work.
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  for (const statement of ddl('sqlite')) db.exec(statement);
  const prepared = STATEMENTS.map(([key, sql]) => [key, db.prepare(sql)] as const);
  const tx = db.transaction((w: Writes) => {
    for (const [key, statement] of prepared) statement.run(w[key]);
  });
  return {
    write: async (w) => void tx(w),
    close: async () => void db.close(),
  };
}

async function mysqlStore(urlText: string): Promise<Store> {
  const url = new URL(urlText);
  const pool: Pool = createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    connectionLimit: 20,
    charset: 'utf8mb4_bin',
  });
  for (const statement of ddl('mysql')) await pool.query(statement);
  return {
    async write(w) {
      const conn = await pool.getConnection();
      try {
        await conn.query('BEGIN');
        try {
          for (const [key, sql] of STATEMENTS) await conn.execute(sql, w[key]);
          await conn.query('COMMIT');
        } catch (error) {
          await conn.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const CITIZEN_ID = randomUUID();
const CANDIDATES = ['st-hrss-clerk-1', 'st-hrss-clerk-2'] as const;
// The deadlines' values do not matter to the database work; the gateway computes them on the calendar.
const DAY = 86_400_000;
let sequence = 0;

async function main() {
  const target = process.env.BASELINE_DATABASE;
  if (!target) throw new Error('BASELINE_DATABASE is required (sqlite:/path or mysql://…)');
  const store = target.startsWith('mysql://') ? await mysqlStore(target) : sqliteStore(target.slice(7));

  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST' || ctx.path !== '/api/v1/cases') {
      ctx.status = 404;
      return;
    }
    const key = ctx.get('Idempotency-Key');
    if (!key) {
      ctx.status = 400;
      return;
    }
    const raw = await readBody(ctx.req, 1_048_576);
    let input: { serviceCode: string; channel: string; formData: Record<string, unknown> };
    try {
      input = JSON.parse(raw);
    } catch {
      ctx.status = 400;
      return;
    }
    const now = Date.now();
    const id = randomUUID();
    const [instanceId, nodeId, taskId] = [randomUUID(), randomUUID(), randomUUID()];
    const day = new Date(now + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const caseNumber = `${day}${String(++sequence).padStart(6, '0')}`;
    const at = new Date(now).toISOString();
    const responseBody = JSON.stringify({
      id,
      caseNumber,
      service: { code: input.serviceCode },
      channel: input.channel,
      status: 'submitted',
      submittedAt: at,
      updatedAt: at,
      formData: input.formData,
      timeline: [{ type: 'submitted', status: 'submitted', at }],
    });
    await store.write({
      idempotency: [
        CITIZEN_ID,
        key,
        createHash('sha256').update(raw).digest('hex'),
        201,
        responseBody,
        id,
        now,
      ],
      kase: [
        id,
        caseNumber,
        CITIZEN_ID,
        input.serviceCode,
        1,
        input.channel,
        'submitted',
        JSON.stringify(input.formData),
        now,
        now,
        1,
        'maternity-allowance',
        1,
      ],
      event: [randomUUID(), id, 'submitted', null, 'submitted', 'citizen', CITIZEN_ID, null, now],
      outbox: [
        randomUUID(),
        'case.submitted',
        'case',
        id,
        `case.submitted:${id}`,
        JSON.stringify({
          caseId: id,
          caseNumber,
          serviceCode: input.serviceCode,
          citizenId: CITIZEN_ID,
          channel: input.channel,
          submittedAt: now,
        }),
        'pending',
        0,
        now,
        null,
        now,
        randomUUID(),
        'task.created',
        'task',
        taskId,
        `task.created:${taskId}:1:1001:0`,
        JSON.stringify({
          taskId,
          caseId: id,
          caseNumber,
          serviceCode: input.serviceCode,
          nodeId: 'accept',
          nodeName: '窗口受理',
          kind: 'approval',
          department: 'hrss',
          assigneeId: null,
          candidates: CANDIDATES,
          status: 'open',
          dueAt: now + DAY,
        }),
        'pending',
        0,
        now,
        null,
        now,
      ],
      instance: [
        instanceId,
        id,
        caseNumber,
        input.serviceCode,
        CITIZEN_ID,
        'maternity-allowance',
        1,
        'hrss',
        'running',
        null,
        now,
        null,
        now + 10 * DAY,
        '{}',
        1,
      ],
      node: [nodeId, instanceId, 'accept', 'approver', 1, 'active', null, '{}', now, null, now + DAY],
      task: [
        taskId,
        instanceId,
        nodeId,
        'accept',
        '窗口受理',
        'approval',
        id,
        caseNumber,
        input.serviceCode,
        'hrss',
        null,
        JSON.stringify(CANDIDATES),
        'open',
        null,
        'flow',
        null,
        0,
        now,
        null,
        null,
        now + DAY,
        null,
        null,
        1,
      ],
      candidates: [CANDIDATES[0], taskId, CANDIDATES[1], taskId],
      history: [
        randomUUID(),
        instanceId,
        id,
        1001,
        null,
        null,
        'started',
        'citizen',
        CITIZEN_ID,
        null,
        null,
        now,
      ],
      timers: [
        ...[randomUUID(), instanceId, null, null, 'case-due', now + 10 * DAY, 'pending', '{}', null, null],
        ...[randomUUID(), instanceId, null, null, 'case-near', now + 9 * DAY, 'pending', '{}', null, null],
        ...[randomUUID(), instanceId, null, nodeId, 'node-due', now + DAY, 'pending', '{}', null, null],
      ],
    });
    ctx.status = 201;
    ctx.type = 'application/json';
    ctx.body = responseBody;
  });

  const server = createServer(app.callback());
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`baseline listening: http://127.0.0.1:${port}\n`);

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      store.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
  });
}

main().catch((error) => {
  process.stderr.write(
    `baseline failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
