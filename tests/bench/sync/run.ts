/**
 * Sync delivery benchmark (`npm run bench:sync`): WeCom app messages (`message/send`) from the
 * outbox through DeliveryWorker to the WeCom simulator over real HTTP, against a direct loop that
 * calls the same client on the same simulator at the same concurrency (the anchor), in the same run.
 *
 * Runs:
 *  (a) direct loop: N messages client → simulator, C at a time;
 *  (b) outbox → DeliveryWorker(s) → simulator, rate limits off: on SQLite (a fresh temp file) unless
 *      DATABASE_URL is mysql://…, and on MySQL — the server of a mysql:// DATABASE_URL, else MariaDB at
 *      127.0.0.1:3306 when it answers — in the dedicated database gcrm_bench_sync (dropped, recreated);
 *      each leg has its own fresh simulator;
 *  (c) 20 QPS: the simulator allows 20 `message/send` calls in any second (`rateLimits.callsPerSecond`),
 *      answering 45009 beyond; the worker is configured with `qps` 20. Achieved rate from the
 *      simulator's arrival times; rate-limit answers counted at the client.
 * After (b) and (c), what the simulator received is checked: every message exactly once, each case's
 * messages in order, nothing dropped.
 *
 * Flags: --messages N (10000)  --cases N (500)  --concurrency N (16)  --workers N (1)
 *        --simulator child|in-process (child)  --limited-messages N (340)  --only direct|sqlite|mysql|limited
 * The last line is one JSON object: {"bench":"sync","ratio",…,"pass"}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { createDatabase } from '../../../gateway/src/platform/db/database';
import { DESTINATION, directLoop, type LegResult, outboxLeg } from './legs';
import { benchClient, checkReceived, countingClient, type Platform, startPlatform } from './platform';

const FLOOR = 0.5;
const MYSQL_FLOOR = 1000;
const QPS = 20;
const QPS_TOLERANCE = 0.05;
const MYSQL_ADMIN = { host: '127.0.0.1', port: 3306, user: 'root' };
const MYSQL_DB = 'gcrm_bench_sync';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    cases: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    workers: { type: 'string', default: '1' },
    simulator: { type: 'string', default: 'child' },
    'limited-messages': { type: 'string', default: '340' },
    only: { type: 'string' },
  },
});
const MESSAGES = Number(values.messages);
const CASES = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);
const WORKERS = Number(values.workers);
const MODE = values.simulator === 'in-process' ? 'in-process' : 'child';
const LIMITED_MESSAGES = Number(values['limited-messages']);
const runs = (leg: string) => values.only === undefined || values.only === leg;

async function withPlatform<T>(
  setup: Parameters<typeof startPlatform>[1],
  fn: (p: Platform) => Promise<T>,
): Promise<T> {
  const platform = await startPlatform(MODE, setup);
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}

async function mysqlReachable(): Promise<boolean> {
  try {
    const c = await createConnection({ ...MYSQL_ADMIN, connectTimeout: 2000 });
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh database: on the MySQL server of `url` (mysql://…) the dedicated database gcrm_bench_sync,
 * dropped and recreated (never the database named in the URL); otherwise a SQLite file in a temp folder.
 */
async function freshDatabase(url: string | undefined) {
  if (url?.startsWith('mysql://')) {
    const server = new URL(url);
    const admin = await createConnection({
      host: server.hostname,
      port: Number(server.port || 3306),
      user: decodeURIComponent(server.username),
      password: decodeURIComponent(server.password),
    });
    await admin.query(`DROP DATABASE IF EXISTS \`${MYSQL_DB}\``);
    await admin.query(`CREATE DATABASE \`${MYSQL_DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    server.pathname = `/${MYSQL_DB}`;
    const database = createDatabase({ kind: 'mysql', url: server.toString(), poolSize: 10 });
    return {
      database,
      label: 'MariaDB',
      drop: async () => {
        await database.close();
        await admin.query(`DROP DATABASE IF EXISTS \`${MYSQL_DB}\``);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gcrm-bench-sync-'));
  const database = createDatabase({ kind: 'sqlite', file: join(dir, 'sync.sqlite') });
  return {
    database,
    label: 'SQLite',
    drop: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Checked = ReturnType<typeof checkReceived>;
interface OutboxRun extends LegResult {
  label: string;
  checked: Checked;
  statuses: Record<string, number>;
}

async function outboxRun(url: string | undefined): Promise<OutboxRun> {
  const fresh = await freshDatabase(url);
  try {
    return await withPlatform({}, async (platform) => {
      const result = await outboxLeg(fresh.database.db, benchClient(platform.url), {
        messages: MESSAGES,
        cases: CASES,
        workers: WORKERS,
        concurrency: Math.ceil(CONCURRENCY / WORKERS),
      });
      const checked = checkReceived(await platform.received(), MESSAGES);
      return { ...result, label: fresh.label, checked };
    });
  } finally {
    await fresh.drop();
  }
}

/** The most arrivals within any 1 s window (arrival times in ms, ascending). */
function maxInAnySecond(at: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[i] as number) - (at[j] as number) >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

async function limitedRun() {
  const fresh = await freshDatabase(undefined);
  try {
    return await withPlatform({ callsPerSecond: QPS }, async (platform) => {
      const counting = countingClient(platform.url);
      {
        const result = await outboxLeg(fresh.database.db, counting.client, {
          messages: LIMITED_MESSAGES,
          cases: Math.min(CASES, LIMITED_MESSAGES),
          workers: 1,
          concurrency: CONCURRENCY,
          worker: { qps: { [DESTINATION]: QPS } },
          timeoutMs: ((LIMITED_MESSAGES / QPS) * 3 + 30) * 1000,
        });
        const received = await platform.received();
        const checked = checkReceived(received, LIMITED_MESSAGES);
        const at = received.messages.map((m) => m.at);
        const spanMs = Math.max(...at) - Math.min(...at);
        const rate = ((at.length - 1) * 1000) / spanMs;
        return {
          ...result,
          checked,
          spanSeconds: spanMs / 1000,
          rate,
          rateLimitErrors: counting.rateLimitErrors(),
          maxPerSecond: maxInAnySecond(at),
        };
      }
    });
  } finally {
    await fresh.drop();
  }
}

const primaryUrl = process.env.DATABASE_URL;
const primaryIsMysql = primaryUrl?.startsWith('mysql://') ?? false;
const mysqlUrl = primaryIsMysql ? primaryUrl! : `mysql://root@127.0.0.1:3306/${MYSQL_DB}`;
if (primaryUrl && !primaryIsMysql)
  console.log('bench:sync: the SQLite leg runs on a fresh temp file, not DATABASE_URL');

const direct = runs('direct')
  ? await withPlatform({}, (p) => directLoop(benchClient(p.url), MESSAGES, CASES, CONCURRENCY))
  : undefined;
const outboxRuns: OutboxRun[] = [];
if (!primaryIsMysql && runs('sqlite')) outboxRuns.push(await outboxRun(undefined));
if (runs('mysql') && (await mysqlReachable())) outboxRuns.push(await outboxRun(mysqlUrl));
const limited = runs('limited') ? await limitedRun() : undefined;

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');
console.log(
  `\nsync: WeCom message/send, ${MESSAGES} messages over ${CASES} cases, concurrency ${CONCURRENCY}, simulator ${MODE}`,
);
console.log(
  `${'run'.padEnd(40)} ${'msgs/s'.padStart(9)} ${'seconds'.padStart(8)} ${'ratio'.padStart(6)}  checks`,
);
if (direct)
  console.log(
    `${'direct loop (client → simulator)'.padEnd(40)} ${fmt(direct.perSecond).padStart(9)} ${fmt(direct.ms / 1000, 2).padStart(8)} ${'1.00'.padStart(6)}  anchor`,
  );
for (const r of outboxRuns) {
  const c = r.checked;
  console.log(
    `${`outbox → ${WORKERS} worker(s) → simulator (${r.label})`.padEnd(40)} ${fmt(r.perSecond).padStart(9)} ${fmt(r.ms / 1000, 2).padStart(8)} ${fmt(direct ? r.perSecond / direct.perSecond : Number.NaN, 2).padStart(6)}  received ${c.unique}/${MESSAGES}, dup ${c.duplicates}, out of order ${c.outOfOrder}, dropped ${c.dropped}; rows ${JSON.stringify(r.statuses)}`,
  );
}
if (limited) {
  const c = limited.checked;
  console.log(
    `${`20 QPS limit (${LIMITED_MESSAGES} msgs, SQLite)`.padEnd(40)} ${fmt(limited.rate, 2).padStart(9)} ${fmt(limited.spanSeconds, 2).padStart(8)} ${''.padStart(6)}  rate-limit errors ${limited.rateLimitErrors}, max in any 1 s ${limited.maxPerSecond}, received ${c.unique}/${LIMITED_MESSAGES}, dup ${c.duplicates}, out of order ${c.outOfOrder}`,
  );
}

const correct = (r: { checked: Checked }) =>
  r.checked.missing === 0 &&
  r.checked.duplicates === 0 &&
  r.checked.outOfOrder === 0 &&
  r.checked.dropped === 0;
const ratios = direct ? outboxRuns.map((r) => r.perSecond / direct.perSecond) : [];
const ratio = ratios.length ? Math.min(...ratios) : Number.NaN;
const mysqlRun = outboxRuns.find((r) => r.label === 'MariaDB');
const rateOk = limited ? Math.abs(limited.rate - QPS) / QPS <= QPS_TOLERANCE : false;
const pass =
  ratio >= FLOOR &&
  (mysqlRun?.perSecond ?? 0) >= MYSQL_FLOOR &&
  outboxRuns.every(correct) &&
  limited !== undefined &&
  rateOk &&
  limited.rateLimitErrors === 0 &&
  correct(limited);
console.log(
  `ratio ${fmt(ratio, 2)} (floor ${FLOOR}), MySQL ${fmt(mysqlRun?.perSecond ?? Number.NaN)} msgs/s (floor ${MYSQL_FLOOR}), limited ${fmt(limited?.rate ?? Number.NaN, 2)} QPS (target ${QPS} ±${QPS_TOLERANCE * 100}%)\n`,
);
console.log(
  JSON.stringify({
    bench: 'sync',
    ratio: Number(ratio.toFixed(3)),
    floor: FLOOR,
    direct_msgs_per_s: direct ? Number(direct.perSecond.toFixed(1)) : null,
    sqlite_msgs_per_s: (() => {
      const r = outboxRuns.find((x) => x.label === 'SQLite');
      return r ? Number(r.perSecond.toFixed(1)) : null;
    })(),
    mysql_msgs_per_s: mysqlRun ? Number(mysqlRun.perSecond.toFixed(1)) : null,
    limited_rate_qps: limited ? Number(limited.rate.toFixed(2)) : null,
    rate_limit_errors: limited ? limited.rateLimitErrors : null,
    pass,
  }),
);
