import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Condition } from '../platform/conditions';
import type { Db } from '../platform/db/database';
import { PROFILE_TABLE } from './profile-table';
import type { RuleSet } from './rule-set';
import { isEligible, type OutcomeTest, ruleSetToSql } from './rule-set-sql';
import { conditionToSql, SQL_TRUE } from './sql-compiler';

/** Citizens whose decision changes: how many, and the first `sampleSize` blind indexes in index order. */
export interface ImpactGroup {
  count: number;
  sample: string[];
}

/** What publishing `next` in place of `current` would change over the population. */
export interface ImpactReport {
  population: number;
  /** Selected under `current` / under `next`. */
  before: number;
  after: number;
  gained: ImpactGroup;
  lost: ImpactGroup;
}

export interface ImpactOptions {
  /** The day both versions are evaluated on (ages, "today"). */
  now: Date;
  /** Restricts the population, e.g. to one district; the whole profile table by default. */
  population?: Condition;
  sampleSize?: number;
  /** What "selected" means; eligibility by default. */
  selected?: OutcomeTest;
}

/**
 * Policy impact simulation: both versions compiled to SQL predicates and compared over the profile table
 * in the database (one counting scan, then two sample queries: new-and-not-old, old-and-not-new).
 *
 * @example
 * const report = await simulateImpact(db, pensionV3, pensionV4, { now: new Date() });
 * // → { population: 1000000, before: 120400, after: 131020, gained: { count: 10620, sample: [...] }, lost: … }
 */
export async function simulateImpact(
  db: Db,
  current: RuleSet,
  next: RuleSet,
  options: ImpactOptions,
): Promise<ImpactReport> {
  const selected = options.selected ?? isEligible;
  const before = ruleSetToSql(current, options, selected);
  const after = ruleSetToSql(next, options, selected);
  const scope = options.population === undefined ? SQL_TRUE : conditionToSql(options.population, options);
  const one = (p: RawBuilder<SqlBool>) => sql<number>`sum(case when ${p} then 1 else 0 end)`;
  const gained = sql<SqlBool>`(${after} and not ${before})`;
  const lost = sql<SqlBool>`(${before} and not ${after})`;
  const counts = await db
    .selectFrom(`${PROFILE_TABLE} as p`)
    .select([
      sql<number>`count(*)`.as('population'),
      one(before).as('before'),
      one(after).as('after'),
      one(gained).as('gained'),
      one(lost).as('lost'),
    ])
    .where(scope)
    .executeTakeFirstOrThrow();
  const sample = async (p: RawBuilder<SqlBool>) =>
    (
      await db
        .selectFrom(`${PROFILE_TABLE} as p`)
        .select('p.id_index')
        .where(scope)
        .where(p)
        .orderBy('p.id_index')
        .limit(options.sampleSize ?? 20)
        .execute()
    ).map((r) => String(r.id_index));
  // SUM is NULL over no rows and a DECIMAL string on MySQL.
  const n = (v: unknown) => Number(v ?? 0);
  return {
    population: n(counts.population),
    before: n(counts.before),
    after: n(counts.after),
    gained: { count: n(counts.gained), sample: n(counts.gained) > 0 ? await sample(gained) : [] },
    lost: { count: n(counts.lost), sample: n(counts.lost) > 0 ? await sample(lost) : [] },
  };
}
