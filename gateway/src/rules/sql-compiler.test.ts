import { Kysely, MysqlDialect, type RawBuilder, type SqlBool, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../platform/conditions';
import { ruleSetToSql } from './rule-set-sql';
import { conditionToSql, RuleSqlError } from './sql-compiler';
import { pensionRuleSet } from './testing/pension';

const now = new Date('2024-02-29T09:00:00+08:00');
// Compiling only: neither dialect connects.
const sqlite = new Kysely<never>({ dialect: new SqliteDialect({ database: {} as never }) });
const mysql = new Kysely<never>({ dialect: new MysqlDialect({ pool: {} as never }) });
const text = (db: Kysely<never>, p: RawBuilder<SqlBool>) => p.compile(db);
const compile = (c: Condition) => text(sqlite, conditionToSql(c, { now }));

function refusal(c: Condition): RuleSqlError {
  try {
    conditionToSql(c, { now });
  } catch (e) {
    if (e instanceof RuleSqlError) return e;
    throw e;
  }
  throw new Error('compiled');
}

describe('conditionToSql', () => {
  it('binds values as parameters, never in the text', () => {
    const q = compile({ fact: 'profile.householdRegion', operator: 'in', value: ["1101'05", null] });
    expect(q.sql).toBe(
      '(("p"."household_region" is null) or ("p"."household_region" is not null and "p"."household_region" in (?)))',
    );
    expect(q.parameters).toEqual(["1101'05"]);
    expect(
      text(
        mysql,
        conditionToSql({ fact: 'profile.gender', operator: 'equal', value: 'female' }, { now, alias: 'c' }),
      ).sql,
    ).toBe('(`c`.`gender` is not null and `c`.`gender` = ?)');
  });

  it('turns ages into birth-date bounds relative to the given today', () => {
    const atLeast = compile({ fact: 'profile.birthDate', operator: 'ageAtLeast', value: 60 });
    expect(atLeast.parameters).toEqual(['1964-02-29']);
    // 29 February of a common year does not exist: the bound falls back to the 28th.
    expect(compile({ fact: 'profile.birthDate', operator: 'ageAtLeast', value: 1 }).parameters).toEqual([
      '2023-02-28',
    ]);
    expect(compile({ fact: 'profile.birthDate', operator: 'ageBelow', value: 18 }).parameters).toEqual([
      '2006-02-28',
      '2024-02-29',
    ]);
    expect(compile({ fact: 'profile.birthDate', operator: 'ageBelow', value: 0 }).sql).toBe('(1 = 0)');
  });

  it('folds operands of the wrong type to FALSE as the evaluator does', () => {
    expect(compile({ fact: 'profile.childrenCount', operator: 'equal', value: '2' }).sql).toBe('(1 = 0)');
    expect(compile({ fact: 'profile.gender', operator: 'greaterThan', value: 1 }).sql).toBe('(1 = 0)');
    expect(compile({ fact: 'profile.birthDate', operator: 'equal', value: '2024-02-30' }).sql).toBe(
      '(1 = 0)',
    );
    expect(compile({ fact: 'profile.hasProperty', operator: 'equal', value: true }).parameters).toEqual([1]);
  });

  it('refuses what it cannot translate exactly, with a pointer', () => {
    expect(refusal({ all: [{ fact: 'form.income', operator: 'lessThan', value: 5 }] })).toMatchObject({
      pointer: '/all/0',
      message: '事实 form.income 在画像表中没有对应的列，不能用于批量筛选',
    });
    expect(refusal({ fact: 'profile.gender', operator: 'matches', value: '^f' }).message).toContain(
      'matches',
    );
    expect(refusal({ fact: 'profile.householdRegion', operator: 'dateBefore', value: 'today' }).message).toBe(
      '文本列中的日期不能批量筛选，请使用日期列',
    );
    expect(
      refusal({
        not: { fact: 'profile.birthDate', operator: 'ageAtLeast', value: { fact: 'profile.childrenCount' } },
      }).pointer,
    ).toBe('/not');
  });
});

describe('ruleSetToSql', () => {
  it('is a CASE over the rules in priority order', () => {
    const q = text(sqlite, ruleSetToSql(pensionRuleSet(), { now }));
    expect(q.sql).toMatch(
      /^\(case when \("p"\."death_date" is not null\) then 0 when .* then 1 else 0 end = 1\)$/,
    );
  });

  it('points refusals into the rule set', () => {
    const set = pensionRuleSet();
    const bad = {
      ...set,
      rules: [set.rules[0]!, { ...set.rules[1]!, when: { fact: 'form.x', operator: 'exists' } as Condition }],
    };
    expect(() => ruleSetToSql(bad, { now })).toThrow(expect.objectContaining({ pointer: '/rules/1/when' }));
  });
});
