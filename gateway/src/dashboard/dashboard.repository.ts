import { sql } from 'kysely';
import { CHINA_OFFSET_MS, DAY_MS } from '../platform/calendar/china-day';
import { type Db, isMysql } from '../platform/db/database';

/** Cases in progress of one service: how many, how many past their deadline, how many due soon. */
export interface OpenCounts {
  serviceCode: string;
  inProgress: number;
  overdue: number;
  dueSoon: number;
}

/** Cases finished on one China day: how many, how many had a deadline, how many met it. */
export interface FinishedDay {
  day: number;
  finished: number;
  withDeadline: number;
  onTime: number;
}

/** SUM and COUNT come back as strings from MySQL (DECIMAL, BIGINT): numbers leave. */
const n = (v: unknown) => Number(v ?? 0);

/**
 * The dashboard's aggregate queries over the workflow's instances (each case's lead department,
 * status, deadline, acceptance and end) and the cases' ratings: one GROUP BY each, over index ranges
 * of the departments in scope (wf_instances_dept_* indexes, case_ratings_department). Read-only; the same
 * SQL on SQLite and MySQL but for integer division.
 */
export class DashboardRepository {
  private readonly mysql: boolean;

  constructor(private readonly db: Db) {
    this.mysql = isMysql(db);
  }

  /** The China day number (days since 1970-01-01 in UTC+8) of an epoch-ms column, computed in SQL. */
  private dayOf(column: string) {
    const shifted = sql`(${sql.ref(column)} + ${sql.lit(CHINA_OFFSET_MS)})`;
    return this.mysql ? sql`${shifted} DIV ${sql.lit(DAY_MS)}` : sql`${shifted} / ${sql.lit(DAY_MS)}`;
  }

  /** Per service: cases running or with the applicant (补正), overdue (deadline passed, clock running), due soon. */
  async open(departments: readonly string[], now: number, dueSoonBy: number): Promise<OpenCounts[]> {
    const { rows } = await sql<{
      service_code: string;
      open_count: unknown;
      overdue: unknown;
      due_soon: unknown;
    }>`
      SELECT service_code,
        COUNT(*) AS open_count,
        SUM(CASE WHEN status = 'running' AND due_at < ${now} THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN status = 'running' AND due_at >= ${now} AND due_at <= ${dueSoonBy} THEN 1 ELSE 0 END) AS due_soon
      FROM wf_instances
      WHERE department IN (${sql.join([...departments])}) AND status IN ('running', 'correction')
      GROUP BY service_code`.execute(this.db);
    return rows.map((r) => ({
      serviceCode: r.service_code,
      inProgress: n(r.open_count),
      overdue: n(r.overdue),
      dueSoon: n(r.due_soon),
    }));
  }

  /** Cases accepted (受理) per China day since `since`. */
  async acceptedPerDay(departments: readonly string[], since: number): Promise<Map<number, number>> {
    const { rows } = await sql<{ d: unknown; c: unknown }>`
      SELECT ${this.dayOf('accepted_at')} AS d, COUNT(*) AS c
      FROM wf_instances
      WHERE department IN (${sql.join([...departments])}) AND accepted_at >= ${since}
      GROUP BY d`.execute(this.db);
    return new Map(rows.map((r) => [n(r.d), n(r.c)]));
  }

  /**
   * Cases 办结 per China day since `since`: accepted cases that ended with a decision (approved, or
   * rejected after acceptance: 不予批准), with how many had a deadline and met it.
   */
  async finishedPerDay(departments: readonly string[], since: number): Promise<FinishedDay[]> {
    const { rows } = await sql<{ d: unknown; c: unknown; with_due: unknown; on_time: unknown }>`
      SELECT ${this.dayOf('ended_at')} AS d, COUNT(*) AS c,
        SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS with_due,
        SUM(CASE WHEN due_at IS NOT NULL AND ended_at <= due_at THEN 1 ELSE 0 END) AS on_time
      FROM wf_instances
      WHERE department IN (${sql.join([...departments])}) AND ended_at >= ${since}
        AND status IN ('approved', 'rejected') AND accepted_at IS NOT NULL
      GROUP BY d`.execute(this.db);
    return rows.map((r) => ({
      day: n(r.d),
      finished: n(r.c),
      withDeadline: n(r.with_due),
      onTime: n(r.on_time),
    }));
  }

  /** Ratings given since `since` of cases led by these departments, by score. */
  async ratingsByScore(departments: readonly string[], since: number): Promise<Map<number, number>> {
    const { rows } = await sql<{ score: unknown; c: unknown }>`
      SELECT score, COUNT(*) AS c
      FROM case_ratings
      WHERE department IN (${sql.join([...departments])}) AND rated_at >= ${since}
      GROUP BY score`.execute(this.db);
    return new Map(rows.map((r) => [n(r.score), n(r.c)]));
  }
}
