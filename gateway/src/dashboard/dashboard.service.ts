import { chinaDayOf, chinaDayStart, formatDay } from '../platform/calendar/china-day';
import { errors } from '../platform/errors';
import type { DashboardRepository } from './dashboard.repository';

/** The org directory look-ups the dashboard's scope needs (an in-memory snapshot). */
export interface DashboardOrg {
  department(code: string): { code: string; name: string; parent?: string } | undefined;
  departmentsOf(staffId: string): readonly string[];
  descendantsOf(department: string): readonly string[];
  hasRole(staffId: string, role: string): boolean;
}

export interface DashboardOptions {
  /** The working-day calendar of deadlines (platform/calendar). */
  calendar: { addWorkingDays(from: number, days: number, region?: string): number };
  /** 行政区划 code of the calendar's regional overrides (the workflow's). */
  region?: string;
  serviceName(code: string): string | undefined;
  /** Cases whose deadline falls within this many working days count as 即将到期 (default 2). */
  dueSoonWorkingDays?: number;
  now?: () => number;
}

export interface DashboardQuery {
  days?: number;
  /** A department within the staff member's scope; default their own (a supervisor's: the whole org). */
  department?: string;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * 部门看板: a department's (and its sub-departments') cases at a glance — in progress, due soon and
 * overdue by the workflow's working-day deadlines, accepted and 办结 per day, the on-time rate, and
 * 好差评 — over the last `days` China days. Scoped like the staff case pages: a staff member sees
 * their own departments and those below (a supervisor every department); anything else answers 404.
 */
export class DashboardService {
  private readonly now: () => number;

  constructor(
    private readonly repo: DashboardRepository,
    private readonly org: DashboardOrg,
    private readonly options: DashboardOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async dashboard(staffId: string, query: DashboardQuery = {}) {
    const days = query.days ?? 30;
    const scope = this.scope(staffId, query.department);
    const departments = this.org.descendantsOf(scope.code);
    const now = this.now();
    const today = chinaDayOf(now);
    const firstDay = today - days + 1;
    const since = chinaDayStart(firstDay);
    const dueSoonBy = this.options.calendar.addWorkingDays(
      now,
      this.options.dueSoonWorkingDays ?? 2,
      this.options.region,
    );
    const [open, accepted, finished, ratings] = await Promise.all([
      this.repo.open(departments, now, dueSoonBy),
      this.repo.acceptedPerDay(departments, since),
      this.repo.finishedPerDay(departments, since),
      this.repo.ratingsByScore(departments, since),
    ]);
    const sum = <T>(items: T[], of: (t: T) => number) => items.reduce((total, t) => total + of(t), 0);
    const finishedByDay = new Map(finished.map((f) => [f.day, f.finished]));
    const withDeadline = sum(finished, (f) => f.withDeadline);
    const distribution: Record<string, number> = {};
    for (let score = 1; score <= 5; score++) distribution[String(score)] = ratings.get(score) ?? 0;
    const rated = sum([1, 2, 3, 4, 5], (s) => distribution[String(s)]!);
    const good = sum([3, 4, 5], (s) => distribution[String(s)]!);
    const points = sum([1, 2, 3, 4, 5], (s) => s * distribution[String(s)]!);
    return {
      scope: { departmentCode: scope.code, departmentName: scope.name },
      days,
      generatedAt: new Date(now).toISOString(),
      dueSoonBefore: new Date(dueSoonBy).toISOString(),
      counts: {
        inProgress: sum(open, (o) => o.inProgress),
        dueSoon: sum(open, (o) => o.dueSoon),
        overdue: sum(open, (o) => o.overdue),
        acceptedInPeriod: sum([...accepted.values()], (c) => c),
        completedInPeriod: sum(finished, (f) => f.finished),
      },
      onTimeRate: withDeadline === 0 ? null : round(sum(finished, (f) => f.onTime) / withDeadline, 4),
      satisfaction: {
        ratings: rated,
        goodRate: rated === 0 ? null : round(good / rated, 4),
        average: rated === 0 ? null : round(points / rated, 2),
        distribution,
      },
      trend: Array.from({ length: days }, (_, i) => {
        const day = firstDay + i;
        return {
          date: formatDay(day),
          accepted: accepted.get(day) ?? 0,
          completed: finishedByDay.get(day) ?? 0,
        };
      }),
      byService: open
        .filter((o) => o.inProgress > 0)
        .sort((a, b) => b.inProgress - a.inProgress || a.serviceCode.localeCompare(b.serviceCode))
        .slice(0, 10)
        .map((o) => ({
          serviceCode: o.serviceCode,
          serviceName: this.options.serviceName(o.serviceCode) ?? o.serviceCode,
          inProgress: o.inProgress,
          overdue: o.overdue,
        })),
    };
  }

  /** The department the dashboard shows, if the staff member may see it. */
  private scope(staffId: string, requested: string | undefined) {
    const own = this.org.departmentsOf(staffId);
    const supervisor = this.org.hasRole(staffId, 'supervisor');
    const code = requested ?? (supervisor && own[0] ? this.rootOf(own[0]) : own[0]);
    const visible =
      code !== undefined &&
      this.org.department(code) !== undefined &&
      (supervisor || own.some((d) => this.org.descendantsOf(d).includes(code)));
    if (!visible) throw errors.notFound('department_not_found', '未找到该部门，或该部门不在您的查看范围内');
    return this.org.department(code)!;
  }

  private rootOf(code: string): string {
    const seen = new Set<string>();
    let at = code;
    for (;;) {
      const parent = this.org.department(at)?.parent;
      if (!parent || seen.has(parent) || !this.org.department(parent)) return at;
      seen.add(at);
      at = parent;
    }
  }
}
