import fc from 'fast-check';
import type { RawBuilder, SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type Condition, compileCondition, type Facts, validateCondition } from '../platform/conditions';
import type { Database } from '../platform/db/database';
import { compileRuleSet } from './compile-rule-set';
import { PROFILE_TABLE, type ProfileRow, profileFacts } from './profile-table';
import type { RuleSet } from './rule-set';
import { ruleSetToSql } from './rule-set-sql';
import { conditionToSql, RuleSqlError } from './sql-compiler';
import { conditionArb, NOWS, profileArb, withIds } from './testing/arbitraries';
import { loadProfiles, openRulesDb } from './testing/profile-db';

// Both evaluators on the same rows: the in-process side reads the rows back from the database, so the
// comparison covers the column types and the drivers too.
describe(`SQL compiler agrees with the in-process evaluator (${dialect})`, () => {
  let database: Database;
  let close: () => Promise<void>;
  let population: { id: string; facts: Facts }[];
  const stats = { compared: 0, refused: 0, nonEmpty: 0, notAll: 0 };

  beforeAll(async () => {
    ({ database, close } = await openRulesDb());
    population = await reload(withIds(fc.sample(profileArb, { numRuns: 400, seed: 42 })));
  });
  afterAll(async () => {
    console.info(`[rules] SQL/in-process agreement (${dialect}):`, JSON.stringify(stats));
    await close?.();
  });

  async function reload(rows: ProfileRow[]) {
    await loadProfiles(database, rows);
    const read = await database.db
      .selectFrom(`${PROFILE_TABLE} as p`)
      .selectAll()
      .orderBy('p.id_index')
      .execute();
    return read.map((r) => ({ id: String(r.id_index), facts: profileFacts(r as ProfileRow) }));
  }

  async function sqlIds(where: RawBuilder<SqlBool>): Promise<string[]> {
    const rows = await database.db
      .selectFrom(`${PROFILE_TABLE} as p`)
      .select('p.id_index')
      .where(where)
      .orderBy('p.id_index')
      .execute();
    return rows.map((r) => String(r.id_index)).sort();
  }

  function tryCompile(c: Condition, now: Date): RawBuilder<SqlBool> | undefined {
    try {
      return conditionToSql(c, { now });
    } catch (e) {
      if (!(e instanceof RuleSqlError)) throw e;
      stats.refused++;
      return undefined;
    }
  }

  it('reads back the facts it wrote', async () => {
    const rows = withIds(fc.sample(profileArb, { numRuns: 50, seed: 7 }));
    const read = await reload(rows);
    expect(read.map((r) => r.facts)).toEqual(rows.map((r) => profileFacts(r)));
    population = await reload(withIds(fc.sample(profileArb, { numRuns: 400, seed: 42 })));
  });

  it('selects the same citizens for random conditions over a fixed population', async () => {
    await fc.assert(
      fc.asyncProperty(conditionArb, fc.constantFrom(...NOWS), async (c, now) => {
        fc.pre(validateCondition(c).ok);
        const where = tryCompile(c, now);
        if (where === undefined) return;
        const holds = compileCondition(c);
        const expected = population
          .filter((p) => holds(p.facts, { now }))
          .map((p) => p.id)
          .sort();
        stats.compared++;
        if (expected.length > 0) stats.nonEmpty++;
        if (expected.length < population.length) stats.notAll++;
        expect(await sqlIds(where)).toEqual(expected);
      }),
      { numRuns: 300, seed: Number(process.env.RULES_SEED ?? Date.now() % 1e9) },
    );
    // The generators must exercise both outcomes, not just refusals or constant answers.
    expect(stats.compared).toBeGreaterThan(150);
    expect(stats.nonEmpty).toBeGreaterThan(60);
    expect(stats.notAll).toBeGreaterThan(60);
  });

  it('selects the same citizens for random rule sets over random populations', async () => {
    const ruleSetArb = fc
      .array(
        fc.record({ when: conditionArb, priority: fc.integer({ min: 0, max: 3 }), eligible: fc.boolean() }),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map(
        (rules): RuleSet => ({
          code: 'gen',
          kind: 'eligibility',
          version: 1,
          status: 'draft',
          otherwise: { eligible: false },
          rules: rules.map((r, i) => ({
            id: `r${i}`,
            priority: r.priority,
            when: r.when,
            outcome: { eligible: r.eligible },
          })),
        }),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(profileArb, { maxLength: 25 }),
        ruleSetArb,
        fc.constantFrom(...NOWS),
        async (rows, set, now) => {
          fc.pre(set.rules.every((r) => validateCondition(r.when).ok));
          let where: RawBuilder<SqlBool>;
          try {
            where = ruleSetToSql(set, { now });
          } catch (e) {
            if (e instanceof RuleSqlError) return;
            throw e;
          }
          const people = await reload(withIds(rows));
          const compiled = compileRuleSet(set);
          const expected = people.filter(
            (p) => compiled.evaluate(p.facts, { now }).outcome.eligible === true,
          );
          expect(await sqlIds(where)).toEqual(expected.map((p) => p.id).sort());
        },
      ),
      { numRuns: 40, seed: Number(process.env.RULES_SEED ?? Date.now() % 1e9) },
    );
  });
});
