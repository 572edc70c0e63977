import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { Sweep } from './keyset-sweep';
import { hasOpenRightsRequest } from './personal-data-guard';
import { DAY_MS, type RetentionConfig } from './retention-config';

/**
 * `housekeeping.retention`: the rest of the periods, one sweep per table, oldest concern first.
 * - drafts idle for `draftIdleDays` (not while the citizen's rights request is being handled);
 * - data-export requests after `dataRequestExportDays` (the export is generated at download time and
 *   its link has expired; the audit log keeps who exported what and when). Correction and deletion
 *   requests are the record of a PIPL request and are kept;
 * - delivered deliveries, done inbox rows and routed outbox rows after `integrationQueueDays`
 *   (dead, refused, ignored and pending rows stay for the administrators);
 * - drift reports, then finished job runs, after `jobRunDays`; the newest run of each job stays (it
 *   holds the resume point and the last catch-up slot).
 */
export function retentionSweeps(config: RetentionConfig, database: Db): Sweep[] {
  const days = (n: number) => n * DAY_MS;
  const queue = days(config.integrationQueueDays);
  let keepRuns: string[] = [];
  const runs = database as unknown as Kysely<{ job_runs: { id: string; job: string; started_at: number } }>;
  return [
    {
      name: 'case_drafts',
      title: '长期未编辑的草稿',
      table: 'case_drafts',
      key: ['citizen_id', 'service_code'],
      where: (eb, now) =>
        eb.and([
          eb('updated_at', '<', now - days(config.draftIdleDays)),
          eb.not(hasOpenRightsRequest(eb, 'case_drafts.citizen_id')),
        ]),
    },
    {
      name: 'rights_exports',
      title: '已过期的个人信息导出申请',
      table: 'rights_requests',
      key: ['id'],
      where: (eb, now) =>
        eb.and([
          eb('kind', '=', 'export'),
          eb('status', '=', 'completed'),
          eb('created_at', '<', now - days(config.dataRequestExportDays)),
        ]),
    },
    {
      name: 'deliveries',
      title: '已送达的投递记录',
      table: 'deliveries',
      key: ['id'],
      where: (eb, now) => eb.and([eb('status', '=', 'delivered'), eb('finished_at', '<', now - queue)]),
    },
    {
      name: 'callback_inbox',
      title: '已处理的回调收件',
      table: 'callback_inbox',
      key: ['id'],
      where: (eb, now) => eb.and([eb('status', '=', 'done'), eb('processed_at', '<', now - queue)]),
    },
    {
      name: 'outbox',
      title: '已路由的待发消息',
      table: 'outbox',
      key: ['id'],
      where: (eb, now) =>
        eb.and([eb('status', 'in', ['routed', 'delivered']), eb('created_at', '<', now - queue)]),
    },
    {
      name: 'reconcile_drift',
      title: '过期的对账差异记录',
      table: 'reconcile_drift',
      key: ['id'],
      optional: true,
      where: (eb, now) => eb('created_at', '<', now - days(config.jobRunDays)),
    },
    {
      name: 'job_runs',
      title: '过期的任务运行记录',
      table: 'job_runs',
      key: ['id'],
      prepare: async () => {
        const jobs = await runs.selectFrom('job_runs').select('job').distinct().execute();
        keepRuns = [];
        for (const { job } of jobs) {
          const newest = await runs
            .selectFrom('job_runs')
            .select('id')
            .where('job', '=', job)
            .orderBy('started_at', 'desc')
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (newest) keepRuns.push(newest.id);
        }
      },
      where: (eb, now) =>
        eb.and([
          eb('status', '!=', 'running'),
          eb('finished_at', '<', now - days(config.jobRunDays)),
          ...(keepRuns.length > 0 ? [eb('id', 'not in', keepRuns)] : []),
        ]),
    },
  ];
}
