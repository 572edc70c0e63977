/**
 * Intake benchmark (`npm run bench:intake`): autocannon against POST /api/v1/cases of the real gateway
 * (child process, fresh database, logged-in citizen, a unique Idempotency-Key per request), then against
 * a bare-Koa raw-driver baseline (baseline.ts) doing the same four inserts, on SQLite and on MySQL.
 * Runs are sequential; autocannon runs here, each server in its own process.
 *
 * Flags: --duration N (10)  --connections N (50)  --warmup N (2)  --only sqlite|mysql
 *        --cpu-prof  (profile the gateway child and print its hottest functions and modules)
 *
 * After each run the database is checked: every 2xx answer has its case, and every case is either a
 * 2xx answer or a request still in flight when the load stopped (the server completes those after the
 * client hung up). The last line of output is one JSON object (see `summary`). The exit code is 0 even
 * when the floors are missed; it is 1 when a server fails to start or the run breaks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { type Connection, createConnection } from 'mysql2/promise';
import { demoIdNumber } from '../../../gateway/src/demo-data';

const ROOT = resolve(import.meta.dirname, '../../..');
const MYSQL_ADMIN = { host: '127.0.0.1', port: 3306, user: 'root' };
const REDIS_URL = 'redis://127.0.0.1:6379/0';
const FLOOR = 0.7;
const MYSQL_RPS_FLOOR = 1000;
const MYSQL_P99_CEILING_MS = 100;

const BODY = JSON.stringify({
  serviceCode: 'hrss.maternity-allowance',
  channel: 'wechat',
  formData: {
    applicantName: '王测试',
    idNumber: demoIdNumber(),
    phone: '13000000001',
    deliveryDate: '2026-10-01',
    deliveryType: '剖宫产',
    employer: '测试单位有限公司',
  },
});

type Dialect = 'sqlite' | 'mysql';
type ServerKind = 'gateway' | 'baseline';

interface Options {
  duration: number;
  connections: number;
  warmup: number;
  dialects: Dialect[];
  cpuProf: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '2' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  if (values.only !== undefined && values.only !== 'sqlite' && values.only !== 'mysql')
    throw new Error('--only must be sqlite or mysql');
  return {
    duration: positive('duration', values.duration, 1),
    connections: positive('connections', values.connections, 1),
    warmup: positive('warmup', values.warmup, 0),
    dialects: values.only ? [values.only as Dialect] : ['sqlite', 'mysql'],
    cpuProf: values['cpu-prof'],
  };
}

// ---------------------------------------------------------------------------------------------------
// Child processes

interface Server {
  child: ChildProcess;
  url: string;
  simulatorUrl?: string;
  output(): string;
}

const children = new Set<ChildProcess>();
const tmpDirs: string[] = [];

/** Spawns `node --import tsx <script>` and waits until its stdout matches `ready` (URL in group 1). */
function startServer(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: { url: RegExp; simulator?: RegExp },
  nodeArgs: string[] = [],
): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-8000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  return new Promise<Server>((resolveStart, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (why: string) => {
      if (settled) return;
      settle();
      child.kill('SIGKILL');
      reject(new Error(`${name} failed to start: ${why}\n${out.trim()}`));
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${signal ?? code})`);
    const onError = (error: Error) => fail(error.message);
    child.on('exit', onExit);
    child.on('error', onError);
    const timer = setTimeout(() => fail('not ready after 60 s'), 60_000);
    // Registered after `keep`, so `out` already holds the chunk.
    const check = () => {
      const url = ready.url.exec(out)?.[1];
      const simulatorUrl = ready.simulator ? ready.simulator.exec(out)?.[1] : undefined;
      if (settled || !url || (ready.simulator && !simulatorUrl)) return;
      settle();
      resolveStart({ child, url, simulatorUrl, output: () => out });
    };
    child.stdout?.on('data', check);
  });
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The environment of a child: ours minus every setting the gateway reads, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const schema = JSON.parse(readFileSync(join(ROOT, 'config/schemas/env.schema.json'), 'utf8')) as {
    properties: Record<string, unknown>;
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(schema.properties)) delete env[key];
  delete env.BASELINE_DATABASE;
  return { ...env, ...extra };
}

// ---------------------------------------------------------------------------------------------------
// Load

interface KeyLedger {
  /** Keys sent whose answer has not arrived (in flight when the load stopped, or timed out). */
  pending: Set<string>;
  /** Keys answered with 2xx. */
  ok: Set<string>;
  /** Non-2xx answers by status, with one sample body each. */
  failures: Map<number, { count: number; sample: string }>;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  detail: string;
}

async function load(
  url: string,
  token: string,
  keyPrefix: string,
  seconds: number,
  connections: number,
  ledger: KeyLedger,
): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/cases',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: BODY,
        setupRequest: (request, context) => {
          const key = `${keyPrefix}-${(n++).toString(36).padStart(7, '0')}`;
          request.headers = { ...request.headers, 'idempotency-key': key };
          (context as { key?: string }).key = key;
          ledger.pending.add(key);
          return request;
        },
        onResponse: (status, body, context) => {
          const key = (context as { key?: string }).key;
          if (key === undefined) return;
          ledger.pending.delete(key);
          if (status >= 200 && status < 300) {
            ledger.ok.add(key);
          } else {
            const seen = ledger.failures.get(status);
            if (seen) seen.count++;
            else ledger.failures.set(status, { count: 1, sample: body.slice(0, 300) });
          }
        },
      },
    ],
  });
  const ok = result['2xx'];
  const errors = result.non2xx + result.errors + result.timeouts;
  const detail =
    errors === 0
      ? ''
      : `non2xx=${result.non2xx} errors=${result.errors} timeouts=${result.timeouts} ` +
        [...ledger.failures].map(([status, f]) => `[${status}×${f.count}: ${f.sample}]`).join(' ');
  return { rps: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, ok, errors, detail };
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function login(gateway: Server): Promise<string> {
  const { code } = await postJson(`${gateway.simulatorUrl}/__sandbox/login-code`, { openid: 'o-bench' });
  const { accessToken } = await postJson(`${gateway.url}/api/v1/auth/wechat`, { code });
  if (typeof accessToken !== 'string') throw new Error('login answered without accessToken');
  return accessToken;
}

/** One probe request: a server that does not answer 201 here is broken, not slow. */
async function probe(url: string, token: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/cases`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': `probe-${randomBytes(6).toString('hex')}`,
    },
    body: BODY,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`probe POST /api/v1/cases → ${res.status}: ${text.slice(0, 300)}`);
}

// ---------------------------------------------------------------------------------------------------
// Databases

interface Store {
  /** DATABASE_URL / BASELINE_DATABASE of a fresh database. */
  url: string;
  rows(): Promise<{
    cases: number;
    events: number;
    outbox: number;
    instances: number;
    tasks: number;
    keys: string[];
  }>;
  /** Normalized DDL of the four intake tables, for comparing gateway and baseline. */
  schema(): Promise<Record<string, string>>;
  drop(): Promise<void>;
}

const INTAKE_TABLES = [
  'idempotency_keys',
  'cases',
  'case_events',
  'outbox',
  'wf_instances',
  'wf_nodes',
  'wf_tasks',
  'wf_task_candidates',
  'wf_history',
  'wf_timers',
];

function sqliteStore(dir: string, name: string): Store {
  const file = join(dir, `${name}.sqlite`);
  const open = () => new SQLite(file, { readonly: true, fileMustExist: true });
  return {
    url: `sqlite:${file}`,
    async rows() {
      const db = open();
      try {
        const count = (table: string) =>
          (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
        const keys = (
          db.prepare('select idem_key from idempotency_keys').all() as { idem_key: string }[]
        ).map((r) => r.idem_key);
        return {
          cases: count('cases'),
          events: count('case_events'),
          outbox: count("outbox where topic = 'case.submitted'"),
          instances: count('wf_instances'),
          tasks: count('wf_tasks'),
          keys,
        };
      } finally {
        db.close();
      }
    },
    async schema() {
      const db = open();
      try {
        const rows = db
          .prepare(
            `select tbl_name, sql from sqlite_master where sql is not null and tbl_name in (${INTAKE_TABLES.map(() => '?').join(',')}) order by type desc, name`,
          )
          .all(...INTAKE_TABLES) as { tbl_name: string; sql: string }[];
        const out: Record<string, string> = {};
        for (const r of rows) out[r.tbl_name] = `${out[r.tbl_name] ?? ''}${normalizeDdl(r.sql)};`;
        return out;
      } finally {
        db.close();
      }
    },
    async drop() {},
  };
}

function normalizeDdl(sql: string): string {
  return sql
    .replace(/["`]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim()
    .toLowerCase();
}

async function mysqlStore(admin: Connection, name: string): Promise<Store> {
  const database = `gcrm_bench_${randomBytes(4).toString('hex')}_${name}`;
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const q = async <T>(sql: string) => (await admin.query(sql))[0] as T;
  return {
    url: `mysql://root@127.0.0.1:3306/${database}`,
    async rows() {
      const count = async (table: string) =>
        Number((await q<{ n: number }[]>(`select count(*) as n from \`${database}\`.${table}`))[0]?.n);
      const keys = (
        await q<{ idem_key: string }[]>(`select idem_key from \`${database}\`.idempotency_keys`)
      ).map((r) => r.idem_key);
      return {
        cases: await count('cases'),
        events: await count('case_events'),
        outbox: await count("outbox where topic = 'case.submitted'"),
        instances: await count('wf_instances'),
        tasks: await count('wf_tasks'),
        keys,
      };
    },
    async schema() {
      const out: Record<string, string> = {};
      for (const table of INTAKE_TABLES) {
        const [row] = await q<{ 'Create Table': string }[]>(`show create table \`${database}\`.${table}`);
        out[table] = normalizeDdl((row?.['Create Table'] ?? '').replace(/ AUTO_INCREMENT=\d+/, ''));
      }
      return out;
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    },
  };
}

/** Every 2xx has its case; every case beyond the 2xx answers belongs to a request the client gave up on. */
async function verify(store: Store, ledger: KeyLedger): Promise<{ ok: boolean; line: string }> {
  const rows = await store.rows();
  const stored = new Set(rows.keys);
  let missing = 0;
  for (const key of ledger.ok) if (!stored.has(key)) missing++;
  let late = 0;
  let unexplained = 0;
  for (const key of stored) {
    if (ledger.ok.has(key) || key.startsWith('probe-')) continue;
    if (ledger.pending.has(key)) late++;
    else unexplained++;
  }
  const probes = rows.keys.filter((k) => k.startsWith('probe-')).length;
  const consistent =
    rows.cases === stored.size &&
    rows.events === rows.cases &&
    rows.outbox === rows.cases &&
    rows.instances === rows.cases &&
    rows.tasks === rows.cases;
  const ok = missing === 0 && unexplained === 0 && consistent;
  const line =
    `rows: cases=${rows.cases} = 2xx ${ledger.ok.size} + ${late} completed after the client stopped + ${probes} probe` +
    ` (case_events=${rows.events}, case.submitted outbox=${rows.outbox}, idempotency_keys=${stored.size},` +
    ` flow instances=${rows.instances}, tasks=${rows.tasks})` +
    (ok
      ? ' ✓'
      : ` ✗ MISMATCH: ${missing} answered 2xx but not stored, ${unexplained} stored but never answered`);
  return { ok, line };
}

// ---------------------------------------------------------------------------------------------------
// One server under load

interface Measurement extends LoadResult {
  dialect: Dialect;
  server: ServerKind;
  /** When the measured load ran, in process.hrtime microseconds. */
  window: { from: number; to: number };
  verified: boolean;
}

async function measure(
  dialect: Dialect,
  kind: ServerKind,
  server: Server,
  token: string,
  store: Store,
  opts: Options,
  runId: string,
): Promise<Measurement> {
  const ledger: KeyLedger = { pending: new Set(), ok: new Set(), failures: new Map() };
  await probe(server.url, token);
  const busy = await cpuBusy(500);
  if (busy > 0.2)
    log(
      `  WARNING: ${fmt(busy * 100, 0)}% of the CPUs were busy before this run (other processes?): ` +
        'the numbers below are not comparable',
    );
  if (opts.warmup > 0) await load(server.url, token, `${runId}-w`, opts.warmup, opts.connections, ledger);
  const okBefore = ledger.ok.size;
  ledger.failures.clear();
  const from = Number(process.hrtime.bigint() / 1000n);
  const result = await load(server.url, token, `${runId}-m`, opts.duration, opts.connections, ledger);
  const to = Number(process.hrtime.bigint() / 1000n);
  await stopServer(server);
  const check = await verify(store, ledger);
  log(`  ${dialect}/${kind}: ${fmt(result.rps, 0)} req/s, p99 ${result.p99} ms, errors ${result.errors}`);
  if (result.detail) log(`    errors: ${result.detail}`);
  log(`    ${check.line} (warm-up 2xx ${okBefore})`);
  return { ...result, dialect, server: kind, verified: check.ok, window: { from, to } };
}

async function benchDialect(
  dialect: Dialect,
  opts: Options,
  admin: Connection | undefined,
  tmp: string,
): Promise<Measurement[]> {
  const runId = randomBytes(3).toString('hex');
  const stores: Store[] = [];
  const newStore = async (name: string) => {
    const store =
      dialect === 'mysql' ? await mysqlStore(admin!, name) : sqliteStore(tmp, `${dialect}-${name}`);
    stores.push(store);
    return store;
  };
  try {
    log(`\n== ${dialect}`);
    const gwStore = await newStore('gw');
    const dataDir = join(tmp, `${dialect}-data`);
    mkdirSync(dataDir, { recursive: true });
    const profDir = join(tmp, `${dialect}-prof`);
    const gateway = await startServer(
      `gateway (${dialect})`,
      'gateway/src/main.ts',
      childEnv({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: gwStore.url,
        ...(dialect === 'mysql' ? { REDIS_URL } : {}),
        LOG_LEVEL: 'warn',
        DEMO_DATA: 'false',
      }),
      { url: /G-CRM 网关已启动: (http:\/\/\S+)/, simulator: /微信模拟器: (http:\/\/\S+)/ },
      opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [],
    );
    const token = await login(gateway);
    const ours = await measure(dialect, 'gateway', gateway, token, gwStore, opts, `${runId}g`);
    if (opts.cpuProf) printProfile(profDir, ours.window);

    const baseStore = await newStore('base');
    const baseline = await startServer(
      `baseline (${dialect})`,
      'tests/bench/intake/baseline.ts',
      childEnv({ BASELINE_DATABASE: baseStore.url, PORT: '0' }),
      { url: /baseline listening: (http:\/\/\S+)/ },
    );
    const base = await measure(dialect, 'baseline', baseline, token, baseStore, opts, `${runId}b`);

    const [a, b] = [await gwStore.schema(), await baseStore.schema()];
    const differing = INTAKE_TABLES.filter((t) => a[t] !== b[t]);
    if (differing.length === 0) log('  schema: baseline tables identical to the gateway migrations ✓');
    else
      for (const t of differing)
        log(`  schema differs for ${t}:\n    gateway:  ${a[t]}\n    baseline: ${b[t]}`);
    return [ours, base];
  } finally {
    for (const child of [...children]) child.kill('SIGKILL');
    for (const store of stores) await store.drop().catch(() => undefined);
  }
}

/** Fraction of all CPUs busy during the next `ms` milliseconds, with our servers idle. */
async function cpuBusy(ms: number): Promise<number> {
  const sample = () =>
    cpus().reduce(
      (acc, c) => {
        const { idle, ...rest } = c.times;
        acc.idle += idle;
        acc.total += idle + Object.values(rest).reduce((s, v) => s + v, 0);
        return acc;
      },
      { idle: 0, total: 0 },
    );
  const a = sample();
  await new Promise((done) => setTimeout(done, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

// ---------------------------------------------------------------------------------------------------
// Profiles

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Summarizes the gateway's CPU profile over the measured window only (start-up, login and warm-up
 * excluded): self time by module and by function, and inclusive time of the gateway's own functions.
 * `window` is in process.hrtime microseconds, the clock V8 stamps samples with on Linux.
 */
function printProfile(dir: string, window: { from: number; to: number }): void {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {}
  if (files.length === 0) {
    log('  (no CPU profile written)');
    return;
  }
  const profile = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const where = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const module =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file || functionName || '(native)');
    const label = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    return { file, module, label };
  };
  let t = profile.startTime;
  const inWindow: number[] = [];
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t >= window.from && t <= window.to) inWindow.push(id);
  });
  const samples = inWindow.length > 0 ? inWindow : profile.samples;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const id of samples) {
    const node = nodes.get(id);
    if (!node) continue;
    const w = where(node);
    add(byModule, w.module);
    add(byFunction, w.label);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = nodes.get(cur);
      if (!frame) break;
      const f = where(frame);
      if (f.file.startsWith('gateway/') || f.file.startsWith('config/')) seen.add(f.label);
    }
    for (const label of seen) add(inclusive, label);
  }
  const total = samples.length;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([k, v]) => `    ${fmt((100 * v) / total, 1).padStart(5)}%  ${k}`)
      .join('\n');
  log(
    `  gateway CPU profile ${inWindow.length > 0 ? 'during the measured run' : 'of the whole process (clock mismatch)'}` +
      ` (${total} samples)\n  self time by module:\n${top(byModule, 14)}`,
  );
  log(`  self time by function:\n${top(byFunction, 25)}`);
  log(`  inclusive time, gateway code:\n${top(inclusive, 20)}`);
}

// ---------------------------------------------------------------------------------------------------

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fmt(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function table(rows: Measurement[]): string {
  const head = ['dialect', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors'];
  const body = rows.map((r) => [
    r.dialect,
    r.server,
    fmt(r.rps, 0),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const opts = options();
  log(
    `intake benchmark: ${opts.connections} connections × ${opts.duration} s (warm-up ${opts.warmup} s), ` +
      `dialects ${opts.dialects.join(', ')}`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'gcrm-bench-'));
  tmpDirs.push(tmp);
  const admin = opts.dialects.includes('mysql') ? await createConnection(MYSQL_ADMIN) : undefined;
  const results: Measurement[] = [];
  const stop = () => {
    for (const child of [...children]) child.kill('SIGKILL');
    process.exit(130);
  };
  process.once('SIGINT', stop);
  try {
    for (const dialect of opts.dialects) results.push(...(await benchDialect(dialect, opts, admin, tmp)));
  } finally {
    await admin?.end();
    rmSync(tmp, { recursive: true, force: true });
  }

  const find = (d: Dialect, s: ServerKind) => results.find((r) => r.dialect === d && r.server === s);
  const ratios: Partial<Record<Dialect, number>> = {};
  for (const d of opts.dialects) {
    const ours = find(d, 'gateway');
    const base = find(d, 'baseline');
    if (ours && base) ratios[d] = ours.rps / base.rps;
  }
  log(`\n${table(results)}`);
  for (const d of opts.dialects)
    log(`ratio ${d} (gateway/baseline): ${fmt(ratios[d] ?? Number.NaN, 2)}  (floor ${FLOOR})`);

  const round = (n: number | undefined, digits: number) =>
    n === undefined || !Number.isFinite(n) ? null : Number(n.toFixed(digits));
  const ratioValues = Object.values(ratios);
  const ratio = ratioValues.length > 0 ? Math.min(...ratioValues) : undefined;
  const mysql = find('mysql', 'gateway');
  const sqlite = find('sqlite', 'gateway');
  const verified = results.every((r) => r.verified);
  if (!verified) log('WARNING: a run lost or invented writes (see "rows:" above); pass is false.');
  const pass =
    ratios.sqlite !== undefined &&
    ratios.mysql !== undefined &&
    ratios.sqlite >= FLOOR &&
    ratios.mysql >= FLOOR &&
    mysql !== undefined &&
    mysql.rps >= MYSQL_RPS_FLOOR &&
    mysql.p99 <= MYSQL_P99_CEILING_MS &&
    verified;
  log(
    JSON.stringify({
      bench: 'intake',
      ratio: round(ratio, 3),
      floor: FLOOR,
      mysql_rps: round(mysql?.rps, 1),
      sqlite_rps: round(sqlite?.rps, 1),
      mysql_p99_ms: round(mysql?.p99, 1),
      pass,
    }),
  );
}

let finished = false;
process.on('beforeExit', () => {
  // The event loop emptied while a step still awaited something: a bug, never a silent success.
  if (!finished) {
    process.stderr.write('bench:intake failed: stalled (a step awaited an event that never came)\n');
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
});

main().then(
  () => {
    finished = true;
    process.exit(0);
  },
  (error) => {
    for (const child of [...children]) child.kill('SIGKILL');
    process.stderr.write(`bench:intake failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
