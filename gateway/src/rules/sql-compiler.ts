import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Condition, isFactRef, MAX_DEPTH, type Operator } from '../platform/conditions';
import { parseDateValue, shanghaiDay } from '../platform/conditions/dates';
import { shapeOf } from '../platform/conditions/shape';
import { PROFILE_FACTS, type ProfileColumn } from './profile-table';
import { dayString, latestBirthForAge, operandDay } from './sql-dates';

/** A condition the SQL compiler cannot translate faithfully; `pointer` is a JSON Pointer into it. */
export class RuleSqlError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
    this.name = 'RuleSqlError';
  }
}

export interface SqlCompileOptions {
  /** The instant "today" and ages are taken from (Asia/Shanghai), bound as a parameter. */
  now: Date;
  /** The alias of the profile table in the query; `p` by default. */
  alias?: string;
  /** Fact path → column; {@link PROFILE_FACTS} by default. */
  facts?: ReadonlyMap<string, ProfileColumn>;
}

type Sql = RawBuilder<SqlBool>;

/** A predicate that always holds (an unrestricted population). */
export const SQL_TRUE: Sql = sql<SqlBool>`(1 = 1)`;
const FALSE: Sql = sql<SqlBool>`(1 = 0)`;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Ctx {
  now: Date;
  alias: string;
  facts: ReadonlyMap<string, ProfileColumn>;
}

interface Col {
  ref: RawBuilder<unknown>;
  kind: ProfileColumn['kind'];
}

/**
 * Compiles a validated condition over profile facts into a WHERE predicate for MySQL/MariaDB and SQLite,
 * with the in-process meaning: a NULL column is an absent fact, and every sub-predicate is TRUE or FALSE
 * (never NULL), so `not` stays a negation. Values are bound as parameters. Throws {@link RuleSqlError} for
 * a fact without a column and for what SQL cannot match exactly (`matches`: the regex dialects differ;
 * dates and ages read from text; `{fact}` operands of ages).
 *
 * @example
 * db.selectFrom('citizen_profile as p').select('p.id_index')
 *   .where(conditionToSql({ fact: 'profile.socialInsurance.years', operator: 'greaterThanInclusive', value: 15 },
 *                         { now: new Date() }));
 * // … where ("p"."social_insurance_years" is not null and "p"."social_insurance_years" >= ?)
 */
export function conditionToSql(condition: Condition, options: SqlCompileOptions): Sql {
  const ctx: Ctx = { now: options.now, alias: options.alias ?? 'p', facts: options.facts ?? PROFILE_FACTS };
  return node(condition, '', 1, ctx);
}

function node(n: unknown, at: string, depth: number, ctx: Ctx): Sql {
  if (depth > MAX_DEPTH) throw new RuleSqlError(at || '/', `条件嵌套不能超过 ${MAX_DEPTH} 层`);
  const shape = shapeOf(n);
  switch (shape.kind) {
    case 'all':
    case 'any': {
      const parts = shape.items.map((item, i) => node(item, `${at}/${shape.kind}/${i}`, depth + 1, ctx));
      return sql<SqlBool>`(${sql.join(parts, shape.kind === 'all' ? sql` and ` : sql` or `)})`;
    }
    case 'not':
      return sql<SqlBool>`(not ${node(shape.item, `${at}/not`, depth + 1, ctx)})`;
    case 'test':
      return test(shape.fact, shape.operator, shape.value, at || '/', ctx);
    case 'invalid':
      throw new RuleSqlError(at || '/', shape.reason);
  }
}

function column(fact: string, at: string, ctx: Ctx): Col {
  const c = ctx.facts.get(fact);
  if (c === undefined) {
    throw new RuleSqlError(at, `事实 ${fact} 在画像表中没有对应的列，不能用于批量筛选`);
  }
  return { ref: sql.ref(`${ctx.alias}.${c.column}`), kind: c.kind };
}

function test(fact: string, op: Operator, value: unknown, at: string, ctx: Ctx): Sql {
  const a = column(fact, at, ctx);
  if (op === 'matches') {
    throw new RuleSqlError(at, '正则匹配（matches）不能用于批量筛选：数据库的正则语法与 JavaScript 不同');
  }
  if (op !== 'exists' && isFactRef(value)) return twoColumns(op, a, column(value.fact, at, ctx), at);
  return literal(op, a, value, at, ctx);
}

function notNull(c: Col, predicate: Sql): Sql {
  // `x is not null and …` is FALSE, not NULL, when x is NULL.
  return sql<SqlBool>`(${c.ref} is not null and ${predicate})`;
}

/** The bound value when `v` is a value a column of this kind can hold (as the evaluator reads it). */
function bindable(kind: Col['kind'], v: unknown): unknown {
  switch (kind) {
    case 'integer':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case 'text':
      return typeof v === 'string' ? v : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
    case 'date':
      // Stored dates are canonical, so only a canonical valid date string can equal one.
      return typeof v === 'string' && ISO_DATE.test(v) && parseDateValue(v) !== undefined ? v : undefined;
  }
}

function equal(c: Col, v: unknown): Sql {
  if (v === null || v === undefined) return sql<SqlBool>`(${c.ref} is null)`;
  const b = bindable(c.kind, v);
  return b === undefined ? FALSE : notNull(c, sql<SqlBool>`${c.ref} = ${b}`);
}

function inList(c: Col, list: unknown): Sql {
  if (!Array.isArray(list)) return FALSE;
  const parts: Sql[] = [];
  if (list.some((v) => v === null)) parts.push(sql<SqlBool>`(${c.ref} is null)`);
  const values = list.map((v) => bindable(c.kind, v)).filter((v) => v !== undefined);
  if (values.length > 0) parts.push(notNull(c, sql<SqlBool>`${c.ref} in (${sql.join(values)})`));
  return parts.length === 0 ? FALSE : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

const COMPARE: Partial<Record<Operator, RawBuilder<unknown>>> = {
  lessThan: sql.raw('<'),
  lessThanInclusive: sql.raw('<='),
  greaterThan: sql.raw('>'),
  greaterThanInclusive: sql.raw('>='),
  dateBefore: sql.raw('<'),
  dateAfter: sql.raw('>'),
};

function literal(op: Operator, c: Col, v: unknown, at: string, ctx: Ctx): Sql {
  switch (op) {
    case 'equal':
      return equal(c, v);
    case 'notEqual':
      return sql<SqlBool>`(not ${equal(c, v)})`;
    case 'in':
      return inList(c, v);
    case 'notIn':
      return Array.isArray(v) ? sql<SqlBool>`(not ${inList(c, v)})` : FALSE;
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return c.kind === 'integer' && typeof v === 'number' && Number.isFinite(v)
        ? notNull(c, sql<SqlBool>`${c.ref} ${COMPARE[op]} ${v}`)
        : FALSE;
    case 'contains':
      if (c.kind === 'date') throw new RuleSqlError(at, '日期列不能用“包含”（contains）批量筛选');
      if (c.kind !== 'text' || typeof v !== 'string') return FALSE;
      return v === ''
        ? sql<SqlBool>`(${c.ref} is not null)`
        : notNull(c, sql<SqlBool>`instr(${c.ref}, ${v}) > 0`);
    case 'exists': {
      const present =
        c.kind === 'text' ? notNull(c, sql<SqlBool>`${c.ref} <> ''`) : sql<SqlBool>`(${c.ref} is not null)`;
      if (v === false) return sql<SqlBool>`(not ${present})`;
      return v === true || v === undefined ? present : FALSE;
    }
    case 'dateBefore':
    case 'dateAfter': {
      if (c.kind === 'text') throw new RuleSqlError(at, '文本列中的日期不能批量筛选，请使用日期列');
      const day = operandDay(v, ctx.now);
      return c.kind === 'date' && day !== undefined
        ? notNull(c, sql<SqlBool>`${c.ref} ${COMPARE[op]} ${dayString(day)}`)
        : FALSE;
    }
    case 'ageAtLeast':
    case 'ageBelow':
      return age(op, c, v, at, ctx);
    case 'matches':
      throw new RuleSqlError(at, '正则匹配（matches）不能用于批量筛选');
  }
}

function age(op: 'ageAtLeast' | 'ageBelow', c: Col, v: unknown, at: string, ctx: Ctx): Sql {
  if (c.kind === 'text') throw new RuleSqlError(at, '年龄条件须使用出生日期列，文本列不能批量筛选');
  if (c.kind !== 'date' || typeof v !== 'number' || !Number.isFinite(v) || v < 0) return FALSE;
  // Ages are whole years: at least 17.5 means at least 18.
  const years = Math.ceil(v);
  const today = shanghaiDay(ctx.now.getTime());
  const latest = latestBirthForAge(today, years);
  if (op === 'ageAtLeast')
    return latest === undefined ? FALSE : notNull(c, sql<SqlBool>`${c.ref} <= ${dayString(latest)}`);
  if (years === 0) return FALSE;
  // Born after today has no age, as in-process.
  const born = sql<SqlBool>`${c.ref} <= ${dayString(today)}`;
  return latest === undefined
    ? notNull(c, born)
    : notNull(c, sql<SqlBool>`${c.ref} > ${dayString(latest)} and ${born}`);
}

function twoColumns(op: Operator, a: Col, b: Col, at: string): Sql {
  const both = (predicate: Sql) =>
    sql<SqlBool>`(${a.ref} is not null and ${b.ref} is not null and ${predicate})`;
  const textual = (k: Col['kind']) => k === 'text' || k === 'date';
  switch (op) {
    case 'equal':
    case 'notEqual': {
      if (a.kind !== b.kind && textual(a.kind) && textual(b.kind)) {
        throw new RuleSqlError(at, '日期列与文本列不能直接比较');
      }
      const bothNull = sql<SqlBool>`(${a.ref} is null and ${b.ref} is null)`;
      const eq =
        a.kind === b.kind
          ? sql<SqlBool>`(${bothNull} or ${both(sql<SqlBool>`${a.ref} = ${b.ref}`)})`
          : bothNull;
      return op === 'equal' ? eq : sql<SqlBool>`(not ${eq})`;
    }
    case 'in':
    case 'notIn':
      // The operand is one column's value, never a list: the in-process operators are false.
      return FALSE;
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return a.kind === 'integer' && b.kind === 'integer'
        ? both(sql<SqlBool>`${a.ref} ${COMPARE[op]} ${b.ref}`)
        : FALSE;
    case 'contains':
      if (a.kind === 'date' || b.kind === 'date')
        throw new RuleSqlError(at, '日期列不能用“包含”（contains）批量筛选');
      return a.kind === 'text' && b.kind === 'text'
        ? both(sql<SqlBool>`(${b.ref} = '' or instr(${a.ref}, ${b.ref}) > 0)`)
        : FALSE;
    case 'dateBefore':
    case 'dateAfter':
      if (a.kind === 'text' || b.kind === 'text')
        throw new RuleSqlError(at, '文本列中的日期不能批量筛选，请使用日期列');
      return a.kind === 'date' && b.kind === 'date'
        ? both(sql<SqlBool>`${a.ref} ${COMPARE[op]} ${b.ref}`)
        : FALSE;
    default:
      throw new RuleSqlError(at, '年龄条件的比较值须直接写明年数，不能引用其他事实');
  }
}
