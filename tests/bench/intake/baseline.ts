/**
 * Baseline for the intake benchmark: a bare Koa app (no router, no validation, no auth) that reads the
 * body of `POST /api/v1/cases`, JSON.parses it and does the same four inserts as the gateway
 * (idempotency_keys, cases, case_events, outbox) in one transaction with the raw driver.
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
  ];
}

const INSERT_IDEMPOTENCY =
  'insert into idempotency_keys (citizen_id, idem_key, request_hash, response_status, response_body, case_id, created_at) values (?, ?, ?, ?, ?, ?, ?)';
const INSERT_CASE =
  'insert into cases (id, case_number, citizen_id, service_code, service_version, channel, status, form_data, created_at, updated_at, row_version) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_EVENT =
  'insert into case_events (id, case_id, type, from_status, to_status, actor_type, actor_id, note, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_OUTBOX =
  'insert into outbox (id, topic, aggregate_type, aggregate_id, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

type Params = (string | number | null)[];

interface Writes {
  idempotency: Params;
  kase: Params;
  event: Params;
  outbox: Params;
}

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
  const idempotency = db.prepare(INSERT_IDEMPOTENCY);
  const kase = db.prepare(INSERT_CASE);
  const event = db.prepare(INSERT_EVENT);
  const outbox = db.prepare(INSERT_OUTBOX);
  const tx = db.transaction((w: Writes) => {
    idempotency.run(w.idempotency);
    kase.run(w.kase);
    event.run(w.event);
    outbox.run(w.outbox);
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
          await conn.execute(INSERT_IDEMPOTENCY, w.idempotency);
          await conn.execute(INSERT_CASE, w.kase);
          await conn.execute(INSERT_EVENT, w.event);
          await conn.execute(INSERT_OUTBOX, w.outbox);
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
