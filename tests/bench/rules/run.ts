/**
 * `npm run bench:rules` (issue 9, "Figures").
 *
 * (1) Single-subject evaluation of 50 policies (one rule each, see policies.ts): rule evaluations/s of
 *     `compileRuleSet(policy).evaluate` (fast path, no explanations) against json-rules-engine 7 running the
 *     same 50 rules translated to its format (one `Engine`, `addRule` per policy, `await engine.run(facts)`
 *     per subject). Both count rules × subjects. json-rules-engine gets the facts pre-flattened
 *     (`{ 'profile.socialInsurance.years': 16 }`, no JSONPath) and our own operator functions for the
 *     operators it lacks (ages, dates, exists), so the comparison measures the engines, not the operators.
 *     Decisions are compared on a sample of subjects: disagreements must be 0.
 * (2) Batch targeting in MariaDB: N profiles in `citizen_profile` (database gcrm_bench_rules, dropped at
 *     the end); timed: the product's `retarget(db, policies, { now })` (gateway/src/rules/targeting.ts) on
 *     an empty `rule_targets` table, i.e. the first night's full targeting, the worst case: every target is
 *     written. The load is timed separately and excluded. Then 10,000 profiles are read back and evaluated
 *     in-process with `profileFacts(row)` and compared with their rows in `rule_targets`;
 *     `sample_agreement` is the fraction whose 50 decisions all match.
 *
 * Flags: --profiles N (1000000), --subjects N (5000), --parallel N (retarget's concurrency: connections
 * working at once; its default, the CPUs, when absent).
 * Env: DATABASE_URL base (mysql://root@127.0.0.1:3306/). Last line: one JSON object.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import { type Condition, type Facts, operators } from '../../../gateway/src/platform/conditions';
import { createDatabase } from '../../../gateway/src/platform/db/database';
import { migrate } from '../../../gateway/src/platform/db/migrate';
import {
  compileRuleSet,
  contextForDay,
  PROFILE_COLUMNS,
  PROFILE_TABLE,
  type ProfileRow,
  profileFacts,
  type RuleSet,
  rulesMigrations,
  validateRuleSet,
} from '../../../gateway/src/rules';
import { retarget, TARGETS_TABLE } from '../../../gateway/src/rules/targeting';
import { MYSQL_BASE, mysqlConnection } from '../support/mysql';
import { policies } from './policies';
import { profileRow, TODAY } from './population';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} wants a positive integer`);
  return v;
}
const PROFILES = flag('profiles', 1_000_000);
const SUBJECTS = flag('subjects', 5_000);
const PARALLEL = flag('parallel', availableParallelism());
const SAMPLE = Math.min(10_000, PROFILES);
const CHECKED_SUBJECTS = Math.min(2_000, SUBJECTS);
const SEED = 9;
const FLOOR = 50;
const BATCH_FLOOR_S = 60;
const DATABASE = 'gcrm_bench_rules';

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const t0 = performance.now();
// Other work on the machine moves both parts: the 1-minute load average when the run starts is reported.
const loadAtStart = loadavg()[0]!;
const log = (line: string) =>
  console.log(`[${fmt((performance.now() - t0) / 1000, 1).padStart(6)} s] ${line}`);

const ctx = contextForDay(TODAY);
const POLICIES: RuleSet[] = policies();
for (const p of POLICIES) {
  const errors = validateRuleSet(p);
  if (errors.length > 0) throw new Error(`${p.code} is invalid: ${JSON.stringify(errors)}`);
}
const compiled = POLICIES.map(compileRuleSet);
const eligible = (facts: Facts): boolean[] =>
  compiled.map((c) => c.evaluate(facts, ctx).outcome.eligible === true);

// --- (1) Single-subject evaluation.
const RULES = POLICIES.length;
const subjects: Facts[] = [];
const flatSubjects: Record<string, unknown>[] = [];
for (let i = 0; i < SUBJECTS; i++) {
  const row = profileRow(SEED + 1, i);
  const facts = profileFacts(row);
  subjects.push(facts);
  const flat: Record<string, unknown> = {};
  for (const { fact } of PROFILE_COLUMNS) {
    let node: unknown = facts;
    for (const key of fact.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
    if (node !== undefined) flat[fact] = node;
  }
  flatSubjects.push(flat);
}

/** Our condition in json-rules-engine's format; a bare test becomes `all: [test]` (it wants a group on top). */
function toJre(c: Condition): NestedCondition {
  if ('all' in c) return { all: c.all.map(toJre) };
  if ('any' in c) return { any: c.any.map(toJre) };
  if ('not' in c) return { not: toJre(c.not) };
  return { fact: c.fact, operator: c.operator, value: c.value === undefined ? true : c.value };
}
function topLevel(c: Condition): TopLevelCondition {
  const n = toJre(c);
  return 'all' in n || 'any' in n || 'not' in n ? (n as TopLevelCondition) : { all: [n] };
}

const engine = new Engine([], { allowUndefinedFacts: true });
for (const name of ['exists', 'dateBefore', 'dateAfter', 'ageAtLeast', 'ageBelow'] as const) {
  engine.addOperator(name, (a: unknown, b: unknown) => operators[name].test(a, b, ctx));
}
for (const p of POLICIES) {
  const rule = p.rules[0]!;
  engine.addRule({ name: rule.id, conditions: topLevel(rule.when), event: { type: p.code } });
}

log(`part 1: ${RULES} policies × ${int(SUBJECTS)} subjects`);
// Ours: passes over the same subjects until at least 1.5 s have been measured (after a warm-up pass).
let sink = 0;
const ourPass = () => {
  for (let i = 0; i < SUBJECTS; i++) {
    const f = subjects[i]!;
    for (let j = 0; j < RULES; j++) if (compiled[j]!.evaluate(f, ctx).outcome.eligible === true) sink++;
  }
};
ourPass();
let passes = 0;
const oursStart = performance.now();
do {
  ourPass();
  passes++;
} while (performance.now() - oursStart < 1500);
const oursSeconds = (performance.now() - oursStart) / 1000;
const evalsPerS = (passes * SUBJECTS * RULES) / oursSeconds;

// json-rules-engine: one pass (after a short warm-up), one `run` per subject.
for (let i = 0; i < Math.min(200, SUBJECTS); i++) await engine.run(flatSubjects[i]!);
let jreEvents = 0;
const jreStart = performance.now();
for (let i = 0; i < SUBJECTS; i++) jreEvents += (await engine.run(flatSubjects[i]!)).events.length;
const jreSeconds = (performance.now() - jreStart) / 1000;
const jrePerS = (SUBJECTS * RULES) / jreSeconds;
const ratio = evalsPerS / jrePerS;

// Same decisions on a sample.
let disagreements = 0;
for (let i = 0; i < CHECKED_SUBJECTS; i++) {
  const ours = eligible(subjects[i]!);
  const fired = new Set((await engine.run(flatSubjects[i]!)).events.map((e) => e.type));
  POLICIES.forEach((p, j) => {
    if (ours[j] !== fired.has(p.code)) disagreements++;
  });
}
const firedShare = jreEvents / (SUBJECTS * RULES);

// --- (2) Batch targeting in MariaDB.
const base = MYSQL_BASE;
const connection = mysqlConnection;
const admin = await connection();
await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
const url = new URL(base.toString());
url.pathname = `/${DATABASE}`;
const database = createDatabase({ kind: 'mysql', url: url.toString(), poolSize: Math.max(2, PARALLEL) });
const db = database.db;

let batchSeconds = Number.NaN;
let loadBefore = Number.NaN;
let loadSeconds = Number.NaN;
let sampleAgreement = 0;
let pairDisagreements = 0;
const targeted: number[] = [];
try {
  await migrate(db, rulesMigrations);

  // Load (not timed in batch_seconds): multi-row INSERTs of 5,000 rows on two connections.
  log(`part 2: loading ${int(PROFILES)} profiles into ${DATABASE}.${PROFILE_TABLE}`);
  const columns = ['id_index', 'updated_at', ...PROFILE_COLUMNS.map((c) => c.column)];
  const literal = (v: unknown) =>
    v === null || v === undefined
      ? 'NULL'
      : typeof v === 'boolean'
        ? v
          ? '1'
          : '0'
        : typeof v === 'number'
          ? String(v)
          : `'${v}'`;
  const loadStart = performance.now();
  const BATCH = 5_000;
  const LOADERS = 2;
  await Promise.all(
    Array.from({ length: LOADERS }, async (_, w) => {
      const c = await connection();
      await c.query(`USE \`${DATABASE}\``);
      for (let start = w * BATCH; start < PROFILES; start += BATCH * LOADERS) {
        const values: string[] = [];
        for (let i = start; i < Math.min(PROFILES, start + BATCH); i++) {
          const row = profileRow(SEED, i);
          values.push(`(${columns.map((col) => literal(row[col])).join(',')})`);
        }
        await c.query(`INSERT INTO ${PROFILE_TABLE} (${columns.join(',')}) VALUES ${values.join(',')}`);
      }
      await c.end();
    }),
  );
  loadSeconds = (performance.now() - loadStart) / 1000;
  log(`loaded in ${fmt(loadSeconds)} s`);

  // Timed: the first night's full targeting of the 50 policies into the empty rule_targets table.
  loadBefore = loadavg()[0]!;
  const batchStart = performance.now();
  const results = await retarget(db, POLICIES, { now: ctx.now, concurrency: PARALLEL });
  batchSeconds = (performance.now() - batchStart) / 1000;
  results.forEach((r, j) => {
    if (r.gained !== r.total || r.lost.length > 0) throw new Error(`${r.code}: not a first targeting`);
    targeted[j] = r.total;
  });
  log(`batch targeting done in ${fmt(batchSeconds)} s (load average ${fmt(loadBefore)} before)`);

  // Sample agreement: 10,000 profiles spread over the table, read back and evaluated in-process.
  const step = Math.floor(PROFILES / SAMPLE);
  const ids = Array.from({ length: SAMPLE }, (_, k) => profileRow(SEED, k * step).id_index);
  const rows: ProfileRow[] = [];
  for (let k = 0; k < ids.length; k += 1_000) {
    const chunk = ids.slice(k, k + 1_000);
    rows.push(
      ...((await db
        .selectFrom(PROFILE_TABLE)
        .selectAll()
        .where('id_index', 'in', chunk)
        .execute()) as ProfileRow[]),
    );
  }
  if (rows.length !== SAMPLE) throw new Error(`read back ${rows.length} of ${SAMPLE} sample profiles`);
  const bySql = new Map<string, Set<string>>();
  for (const p of POLICIES) {
    const hits = await db
      .selectFrom(TARGETS_TABLE)
      .select('id_index')
      .where('code', '=', p.code)
      .where('id_index', 'in', ids)
      .execute();
    bySql.set(p.code, new Set(hits.map((h) => String(h.id_index))));
  }
  let agreeing = 0;
  for (const row of rows) {
    const ours = eligible(profileFacts(row));
    let all = true;
    POLICIES.forEach((p, j) => {
      if (ours[j] !== bySql.get(p.code)!.has(row.id_index)) {
        all = false;
        pairDisagreements++;
      }
    });
    if (all) agreeing++;
  }
  sampleAgreement = agreeing / SAMPLE;
} finally {
  await database.close();
  await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await admin.end();
}

// --- Tables.
console.log('');
console.log(`${'policy'.padEnd(18)} ${'title'.padEnd(24)} ${'targeted'.padStart(9)} ${'share'.padStart(7)}`);
POLICIES.forEach((p, j) => {
  const title = (p.title ?? '').slice(0, 12);
  // zh-CN characters are two columns wide.
  console.log(
    `${p.code.padEnd(18)} ${title}${' '.repeat(Math.max(1, 25 - 2 * title.length))}${int(targeted[j] ?? 0).padStart(9)} ${fmt((100 * (targeted[j] ?? 0)) / PROFILES, 1).padStart(6)}%`,
  );
});
const totalTargets = targeted.reduce((a, b) => a + b, 0);
console.log('');
console.log(
  `${'part 1: 50 policies, one subject at a time'.padEnd(44)} ${'evals/s'.padStart(14)} ${'seconds'.padStart(8)}`,
);
console.log(
  `${`compileRuleSet().evaluate (${passes} passes)`.padEnd(44)} ${int(evalsPerS).padStart(14)} ${fmt(oursSeconds).padStart(8)}`,
);
console.log(
  `${'json-rules-engine 7 (await run per subject)'.padEnd(44)} ${int(jrePerS).padStart(14)} ${fmt(jreSeconds).padStart(8)}`,
);
console.log(`ratio ours/json-rules-engine ${fmt(ratio, 1)}× (floor ${FLOOR}×)`);
console.log(
  `subjects ${int(SUBJECTS)}, rule evaluations per pass ${int(SUBJECTS * RULES)}, eligible share ${fmt(100 * firedShare, 1)}%; decisions compared on ${int(CHECKED_SUBJECTS)} subjects × ${RULES}: ${disagreements} disagreements (sink ${sink > 0 ? 'ok' : 0})`,
);
console.log('');
console.log(
  `part 2: ${int(PROFILES)} profiles, ${RULES} policies (retarget, concurrency ${PARALLEL}), today ${TODAY}; load average ${fmt(loadAtStart)} at the start, ${fmt(loadBefore)} before the batch`,
);
console.log(`load (excluded)            ${fmt(loadSeconds).padStart(8)} s`);
console.log(
  `batch targeting            ${fmt(batchSeconds).padStart(8)} s  (limit ${BATCH_FLOOR_S} s; ${int(totalTargets)} targets written)`,
);
console.log(
  `sample agreement           ${fmt(sampleAgreement, 4).padStart(8)}    (${int(SAMPLE)} profiles × ${RULES} policies, ${pairDisagreements} disagreeing pairs)\n`,
);

const pass = ratio >= FLOOR && disagreements === 0 && batchSeconds <= BATCH_FLOOR_S && sampleAgreement === 1;
console.log(
  JSON.stringify({
    bench: 'rules',
    ratio: Number(ratio.toFixed(1)),
    floor: FLOOR,
    evals_per_s: Math.round(evalsPerS),
    json_rules_engine_evals_per_s: Math.round(jrePerS),
    batch_seconds: Number(batchSeconds.toFixed(2)),
    batch_floor: BATCH_FLOOR_S,
    profiles: PROFILES,
    concurrency: PARALLEL,
    load_avg_1m: Number(loadAtStart.toFixed(2)),
    sample_agreement: sampleAgreement,
    pass,
  }),
);
