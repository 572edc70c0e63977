import type { AuditArchiver } from '../audit';
import type { JobDefinition } from '../scheduler/job';
import { DAY_MS, type RetentionConfig } from './retention-config';

/**
 * `housekeeping.audit-archive`: moves audit rows older than `auditOnlineDays` (≥ 180) to archive files,
 * a signed-checkpoint-bounded range at a time (see AuditArchiver). The resume point lives in the
 * database (`audit_archives`: a range archived but not yet deleted is finished first), so an aborted
 * run never starts over; the checkpoint reported is the range being worked on, for administrators.
 */
export function auditArchiveJob(
  archiver: AuditArchiver,
  config: RetentionConfig,
  now: () => number,
): JobDefinition {
  return {
    name: 'housekeeping.audit-archive',
    title: '审计日志归档（在线保留不少于 180 天）',
    maxRunMs: 60 * 60_000,
    run: async (ctx) => {
      const cutoff = now() - config.auditOnlineDays * DAY_MS;
      const counts = { files: 0, rowsArchived: 0, rowsDeleted: 0 };
      let checkpoint: string | null = null;
      const summary = () =>
        `归档文件 ${counts.files} 个，归档记录 ${counts.rowsArchived} 条，从数据库移除 ${counts.rowsDeleted} 条`;
      for (;;) {
        if (ctx.signal.aborted) {
          return {
            counts,
            checkpoint: checkpoint ?? 'audit|',
            summary: `已按关机要求暂停，下次继续。${summary()}`,
          };
        }
        const step = await archiver.step(cutoff);
        if (step.kind === 'idle') break;
        if (step.kind === 'archived') {
          counts.files++;
          counts.rowsArchived += step.rows;
        } else {
          counts.rowsDeleted += step.deleted;
        }
        checkpoint = `audit|${step.fromSeq}-${step.toSeq}`;
        await ctx.progress({ counts, checkpoint });
      }
      return {
        counts,
        summary: counts.files + counts.rowsDeleted === 0 ? '没有超过在线保留期的审计记录' : summary(),
      };
    },
  };
}
