import type { Db } from '../platform/db/database';
import type { PolicyService } from '../policies';
import {
  type LifeEvent,
  mergeProfiles,
  type ProfileDeps,
  retirementApproaching,
  syncChanges,
} from '../profile';
import { businessStartEvents } from '../profile/business-start';
import { beijingDate } from '../profile/merge';
import { retarget, TARGETS_TABLE } from '../rules';
import type { JobDefinition } from '../scheduler/job';
import type { ProactiveService } from './proactive.service';

export interface ProactiveJobDeps {
  db: Db;
  profile: ProfileDeps;
  policies: PolicyService;
  proactive: ProactiveService;
  /** ID numbers of the persons with an account, a page at a time (人社 has no feed: they are re-pulled). */
  boundIdNumbers(after: string | null, limit: number): Promise<{ citizenId: string; idNumber: string }[]>;
}

/**
 * The scheduled side of 政策找人 (config/jobs.json):
 * - `profile.sync`: the departments' change feeds → profiles merged again → life events → offers;
 * - `profile.retirement`: who reaches retirement age within 3 months → 退休一件事 reminders;
 * - `profile.refresh`: the persons with an account pulled again from every source (人社 monthly);
 * - `proactive.rematch`: nightly re-match of the population after rule or data changes — targets of every
 *   policy brought up to date, new targets of 免申即享 policies granted, pending grants opened, and grants
 *   due for re-verification checked.
 */
export function proactiveJobs(deps: ProactiveJobDeps): JobDefinition[] {
  const { proactive } = deps;
  return [
    {
      name: 'profile.sync',
      title: '同步各部门数据变更并发现人生事件',
      run: async () => {
        const report = await syncChanges(deps.profile);
        // 创办企业 comes from this platform's own completed 企业开办 cases, not from a department.
        report.events.push(...(await businessStartEvents(deps.db, (deps.profile.now ?? Date.now)())));
        const offers = await proactive.onLifeEvents(report.events);
        const changes = Object.values(report.changes).reduce((a, b) => a + (b ?? 0), 0);
        return {
          counts: { changes, merged: report.merged, events: report.events.length, offers },
          summary: `读取变更 ${changes} 条，更新档案 ${report.merged} 人，新人生事件 ${report.events.length} 个，主动服务 ${offers} 项`,
        };
      },
    },
    {
      name: 'profile.retirement',
      title: '即将退休提醒（提前3个月）',
      run: async () => {
        const now = (deps.profile.now ?? Date.now)();
        const due = await retirementApproaching(deps.db, beijingDate(now), now);
        const events: LifeEvent[] = due.map((d) => ({
          idIndex: d.idIndex,
          kind: 'retirement_approaching',
          at: d.retirementDate,
          source: 'social-insurance',
          subject: String(d.retirementAge),
          details: { retirementAge: d.retirementAge },
        }));
        const offers = await proactive.onLifeEvents(events);
        return {
          counts: { due: due.length, offers },
          summary: `3个月内达到退休年龄 ${due.length} 人，新提醒 ${offers} 项`,
        };
      },
    },
    {
      name: 'profile.refresh',
      title: '重新拉取已实名用户的档案（含人社月度数据）',
      maxRunMs: 60 * 60_000,
      run: async (ctx) => {
        let after = ctx.checkpoint;
        let merged = 0;
        let offers = 0;
        for (;;) {
          if (ctx.signal.aborted) break;
          const page = await deps.boundIdNumbers(after, 200);
          if (page.length === 0) break;
          const profiles = await mergeProfiles(
            deps.profile,
            page.map((p) => p.idNumber),
          );
          merged += profiles.size;
          offers += await proactive.onLifeEvents([...profiles.values()].flatMap((p) => p.events));
          after = page.at(-1)!.citizenId;
          await ctx.progress({ counts: { merged, offers }, checkpoint: after });
        }
        return { counts: { merged, offers }, summary: `更新档案 ${merged} 人，主动服务 ${offers} 项` };
      },
    },
    {
      name: 'proactive.rematch',
      title: '政策找人：全量重新匹配与免申即享复核',
      maxRunMs: 60 * 60_000,
      run: async () => {
        const now = (deps.profile.now ?? Date.now)();
        await deps.policies.reload();
        const sets = [...new Set(deps.policies.policies.map((p) => p.eligibility))]
          .map((code) => deps.policies.ruleSet(code)?.ruleSet)
          .filter((s) => s !== undefined);
        const results = await retarget(deps.db, sets, { now: new Date(now), marker: now });
        let granted = 0;
        for (const policy of deps.policies.policies.filter((p) => p.grant === 'automatic')) {
          let after = '';
          for (;;) {
            const page = await deps.db
              .selectFrom(TARGETS_TABLE)
              .select('id_index')
              .where('code', '=', policy.eligibility)
              .where('matched_at', '=', now)
              .where('id_index', '>', after)
              .orderBy('id_index')
              .limit(500)
              .execute();
            if (page.length === 0) break;
            granted += await proactive.offerMatches(
              policy,
              page.map((r) => r.id_index as string),
            );
            after = page.at(-1)!.id_index as string;
          }
        }
        granted += await proactive.grantPending();
        const reverified = await proactive.reverify();
        const gained = results.reduce((a, r) => a + r.gained, 0);
        const lost = results.reduce((a, r) => a + r.lost.length, 0);
        return {
          counts: { gained, lost, granted, reverified: reverified.verified, ended: reverified.ended },
          summary: `新符合 ${gained} 人次、不再符合 ${lost} 人次；免申即享新办理 ${granted} 件，复核通过 ${reverified.verified}、终止 ${reverified.ended}`,
        };
      },
    },
  ];
}
