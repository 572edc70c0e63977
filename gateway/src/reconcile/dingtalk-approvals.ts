import type { DingtalkClient } from '@gcrm/connectors/dingtalk';
import type { InboxService } from '../callbacks';
import type { IntegrationLinks } from '../integration/links';
import type { Db } from '../platform/db/database';
import type { JobDefinition } from '../scheduler';
import { DriftRecorder } from './drift';

/**
 * `reconcile.dingtalk.approvals`: the DingTalk 审批 that mirror our tasks, read back. A decision taken
 * in DingTalk whose event never reached us (the push gave up while we were down, a Stream frame was
 * lost) is applied now, through the inbox exactly as the event would have been (same handler, same
 * "first one wins"); an approval cancelled or terminated in DingTalk while its task is still open here is
 * reported for a person. Open links are walked by keyset; the checkpoint is the last one looked at.
 */
export function dingtalkApprovalReconcileJob(deps: {
  db: Db;
  client: DingtalkClient;
  links: IntegrationLinks;
  inbox: InboxService;
  batchSize?: number;
  now?: () => number;
}): JobDefinition {
  const batch = deps.batchSize ?? 100;
  return {
    name: 'reconcile.dingtalk.approvals',
    title: '钉钉审批对账',
    run: async (ctx) => {
      const drift = new DriftRecorder(deps.db, ctx.runId, 'reconcile.dingtalk.approvals', deps.now);
      let checked = 0;
      let after = parse(ctx.checkpoint);
      for (;;) {
        if (ctx.signal.aborted)
          return drift.outcome({ checked }, after ? `${after.updatedAt}|${after.externalId}` : null);
        const page = await deps.links.open('dingtalk.approval', batch, after);
        if (page.length === 0) break;
        for (const link of page) {
          checked++;
          const instance = await deps.client.getWorkflowInstance(link.externalId);
          const decided = instance.tasks.filter(
            (t) => t.status === 'COMPLETED' && (t.result === 'AGREE' || t.result === 'REFUSE'),
          );
          if (decided.length > 0) {
            let applied = false;
            for (const t of decided) {
              const received = await deps.inbox.receive({
                source: 'dingtalk',
                eventType: 'bpms_task_change',
                dedupeKey: `reconcile:${link.externalId}:${t.taskId}`,
                payload: {
                  EventType: 'bpms_task_change',
                  processInstanceId: link.externalId,
                  type: 'finish',
                  result: t.result === 'AGREE' ? 'agree' : 'refuse',
                  staffId: t.userId,
                  via: 'reconcile',
                },
              });
              if (received.duplicate) continue;
              const outcome = await deps.inbox.process(received.id);
              applied ||= outcome === 'done';
            }
            if (applied) {
              await drift.add({
                kind: 'approval.decision_missed',
                ref: link.localId,
                externalId: link.externalId,
                outcome: 'repaired',
                note: '钉钉审批已处理但结果未送达，已补录并应用',
              });
            }
          } else if (instance.status === 'TERMINATED' || instance.status === 'CANCELED') {
            await drift.add({
              kind: 'approval.cancelled',
              ref: link.localId,
              externalId: link.externalId,
              outcome: 'needs_person',
              note: '钉钉审批已被撤销或终止，但该任务仍在办理中，请在政务服务平台办理该任务',
            });
            await deps.links.close('dingtalk.approval', link.externalId);
          }
        }
        const last = page[page.length - 1]!;
        after = { updatedAt: last.updatedAt, externalId: last.externalId };
        await ctx.progress({ counts: { checked }, checkpoint: `${after.updatedAt}|${after.externalId}` });
      }
      return drift.outcome({ checked });
    },
  };
}

function parse(checkpoint: string | null) {
  if (!checkpoint) return undefined;
  const [at, id] = checkpoint.split('|');
  return at && id ? { updatedAt: Number(at), externalId: id } : undefined;
}
