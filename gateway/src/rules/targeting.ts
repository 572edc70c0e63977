import { availableParallelism } from 'node:os';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Db, isMysql } from '../platform/db/database';
import { tableEnd } from '../platform/db/migrate';
import { PROFILE_TABLE } from './profile-table';
import type { RuleSet } from './rule-set';
import { ruleSetToSql } from './rule-set-sql';

/** The table of current targets (rules.migrations.ts): one row per rule set code and selected person. */
export const TARGETS_TABLE = 'rule_targets';

/**
 * What a retarget changed for one rule set: `gained` new targets (written with the run's marker as
 * `matched_at`), the blind indexes of the targets it `lost` (in index order), and the `total` it selects now.
 */
export interface RetargetResult {
  code: string;
  version: number;
  gained: number;
  lost: string[];
  total: number;
}

export interface RetargetOptions {
  /** The day the rule sets are evaluated on (ages, "today"). */
  now: Date;
  /** Connections working at once: the CPUs on MySQL, 1 on SQLite (one writer). */
  concurrency?: number;
  /** `matched_at` of the new targets, `now.getTime()` by default: page through them with `code = ? and matched_at = marker`. */
  marker?: number;
}

// Rule sets decided in one scan of the profile table: one bit each of a BIGINT mask.
const MASK_BITS = 60;
// Lost targets are deleted by key, this many to a statement.
const DELETE_CHUNK = 1_000;

interface Job {
  index: number;
  ruleSet: RuleSet;
  selects: RawBuilder<SqlBool>;
}

let scans = 0;

/**
 * Current targets of published rule sets: who each eligibility-style rule set selects today. Brings
 * {@link TARGETS_TABLE} in line with the profile table for every rule set given: targets that no longer
 * match (or whose profile is gone) are deleted and returned in `lost`, new matches are inserted with
 * `matched_at = marker`, unchanged rows are left alone, and every row of the code gets the rule set's
 * version. The decisions are the compiled {@link ruleSetToSql} predicates, so they agree with the
 * in-process evaluator, NULL columns included.
 *
 * Everything happens in the database, without a round trip per person. The rule sets are split into
 * groups, one per connection (`concurrency`); each group reads the profile table once, evaluating all its
 * predicates into a bit mask per matching person (a temporary table), and then each rule set of the group
 * is brought in line from the masks in a transaction of its own. Measured on MariaDB with 50 policies over
 * 1,000,000 profiles (docs/BENCHMARKS.md, rules), one scan per group beats one scan per rule set: the
 * profile table no longer has to be read back into the buffer pool 50 times while the targets are written.
 *
 * Throws before writing anything when a rule set is not a published eligibility rule set, when a code
 * appears twice, or when a condition cannot be compiled to SQL (RuleSqlError). Each rule set commits on
 * its own, so a database error part-way leaves the rule sets already done in line and the others as they
 * were. `db` is the database, not a transaction (each group takes a connection of its own). Run one
 * retarget per code at a time (the nightly job): two at once on the same code may fail on the primary key.
 *
 * @example
 * const marker = Date.now();
 * const [pension] = await retarget(db, [pensionV3], { now: new Date(), marker });
 * // → { code: 'pension-basic', version: 3, gained: 120, lost: ['…'], total: 131020 }
 * db.selectFrom('rule_targets').select('id_index').where('code', '=', 'pension-basic').where('matched_at', '=', marker);
 */
export async function retarget(
  db: Db,
  ruleSets: readonly RuleSet[],
  options: RetargetOptions,
): Promise<RetargetResult[]> {
  const codes = new Set<string>();
  for (const set of ruleSets) {
    if (set.kind !== 'eligibility' || set.status !== 'published') {
      throw new Error(`rule set ${set.code} v${set.version} is not a published eligibility rule set`);
    }
    if (codes.has(set.code)) throw new Error(`rule set ${set.code} appears twice`);
    codes.add(set.code);
  }
  const mysql = isMysql(db);
  // Compiled first, so that a rule set SQL cannot express fails the call before anything is written.
  const jobs: Job[] = ruleSets.map((ruleSet, index) => ({
    index,
    ruleSet,
    selects: ruleSetToSql(ruleSet, { now: options.now }),
  }));
  const marker = options.marker ?? options.now.getTime();
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? (mysql ? availableParallelism() : 1)));
  const groups = split(jobs, concurrency);
  const results: RetargetResult[] = new Array(jobs.length);
  let next = 0;
  let failed = false;
  const worker = () =>
    db.connection().execute(async (conn) => {
      while (!failed && next < groups.length) {
        const group = groups[next++]!;
        try {
          for (const r of await retargetGroup(conn, group, marker, mysql)) results[r.index] = r.result;
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    });
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(concurrency, groups.length) }, worker),
  );
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return results;
}

/** At least one group per connection, at most {@link MASK_BITS} rule sets per group, in the order given. */
function split(jobs: readonly Job[], concurrency: number): Job[][] {
  const count = Math.min(jobs.length, Math.max(concurrency, Math.ceil(jobs.length / MASK_BITS)));
  const groups: Job[][] = [];
  for (let g = 0, start = 0; g < count; g++) {
    const end = start + Math.ceil((jobs.length - start) / (count - g));
    groups.push(jobs.slice(start, end));
    start = end;
  }
  return groups;
}

/** One transaction, READ COMMITTED on MySQL: reading the profiles takes no shared lock on each row. */
function inTransaction<T>(conn: Db, mysql: boolean, work: (trx: Db) => Promise<T>): Promise<T> {
  const tx = conn.transaction();
  return (mysql ? tx.setIsolationLevel('read committed') : tx).execute(work);
}

async function retargetGroup(
  conn: Db,
  group: readonly Job[],
  marker: number,
  mysql: boolean,
): Promise<{ index: number; result: RetargetResult }[]> {
  // A temporary table is the connection's own, so groups on other connections do not see it.
  const masks = `rule_targets_scan_${++scans}`;
  await conn.schema
    .createTable(masks)
    .temporary()
    .addColumn('id_index', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('mask', 'bigint', (c) => c.notNull())
    .modifyEnd(tableEnd(conn))
    .execute();
  const drop = () => sql`drop ${sql.raw(mysql ? 'temporary ' : '')}table ${sql.table(masks)}`.execute(conn);
  let out: { index: number; result: RetargetResult }[];
  try {
    out = await bringGroupInLine(conn, group, masks, marker, mysql);
  } catch (e) {
    // The first error is the one to report; a table left behind is the connection's own and goes with it.
    await drop().catch(() => undefined);
    throw e;
  }
  await drop();
  return out;
}

async function bringGroupInLine(
  conn: Db,
  group: readonly Job[],
  masks: string,
  marker: number,
  mysql: boolean,
): Promise<{ index: number; result: RetargetResult }[]> {
  const bits = group.map((job, b) => sql`(case when ${job.selects} then ${sql.lit(2 ** b)} else 0 end)`);
  // Only the profiles some rule set of the group selects: the others evaluate each predicate once, in
  // the WHERE, and take no room.
  await inTransaction(conn, mysql, (trx) =>
    trx
      .insertInto(masks)
      .columns(['id_index', 'mask'])
      .expression(
        trx
          .selectFrom(`${PROFILE_TABLE} as p`)
          .select(['p.id_index', sql<number>`${sql.join(bits, sql` + `)}`.as('mask')])
          .where(
            sql<SqlBool>`(${sql.join(
              group.map((job) => job.selects),
              sql` or `,
            )})`,
          ),
      )
      .execute(),
  );
  const out: { index: number; result: RetargetResult }[] = [];
  for (const [b, job] of group.entries()) {
    const result = await inTransaction(conn, mysql, (trx) =>
      bringInLine(trx, job.ruleSet, masks, 2 ** b, marker),
    );
    out.push({ index: job.index, result });
  }
  return out;
}

/** One rule set's targets made equal to the profiles whose mask has `bit`. */
async function bringInLine(
  trx: Db,
  ruleSet: RuleSet,
  masks: string,
  bit: number,
  marker: number,
): Promise<RetargetResult> {
  const { code, version } = ruleSet;
  const selected = sql<SqlBool>`(m.mask & ${sql.lit(bit)}) <> 0`;
  const lost = (
    await trx
      .selectFrom(`${TARGETS_TABLE} as t`)
      .select('t.id_index')
      .where('t.code', '=', code)
      .where(({ exists, not, selectFrom }) =>
        not(
          exists(
            selectFrom(`${masks} as m`)
              .select(sql.lit(1).as('one'))
              .whereRef('m.id_index', '=', 't.id_index')
              .where(selected),
          ),
        ),
      )
      .orderBy('t.id_index')
      .execute()
  ).map((r) => String(r.id_index));
  for (let k = 0; k < lost.length; k += DELETE_CHUNK) {
    await trx
      .deleteFrom(TARGETS_TABLE)
      .where('code', '=', code)
      .where('id_index', 'in', lost.slice(k, k + DELETE_CHUNK))
      .execute();
  }
  const inserted = await trx
    .insertInto(TARGETS_TABLE)
    .columns(['code', 'id_index', 'version', 'matched_at'])
    .expression(
      trx
        .selectFrom(`${masks} as m`)
        .select([
          sql<string>`${code}`.as('code'),
          'm.id_index',
          sql<number>`${version}`.as('version'),
          sql<number>`${marker}`.as('matched_at'),
        ])
        .where(selected)
        .where(({ exists, not, selectFrom }) =>
          not(
            exists(
              selectFrom(`${TARGETS_TABLE} as t`)
                .select(sql.lit(1).as('one'))
                .where('t.code', '=', code)
                .whereRef('t.id_index', '=', 'm.id_index'),
            ),
          ),
        ),
    )
    .executeTakeFirst();
  await trx
    .updateTable(TARGETS_TABLE)
    .set({ version })
    .where('code', '=', code)
    .where('version', '<>', version)
    .execute();
  const counted = await trx
    .selectFrom(TARGETS_TABLE)
    .select(sql<number>`count(*)`.as('n'))
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return {
    code,
    version,
    gained: Number(inserted.numInsertedOrUpdatedRows ?? 0),
    lost,
    total: Number(counted.n),
  };
}
