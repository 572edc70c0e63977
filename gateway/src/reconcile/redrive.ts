import type { InboxService } from '../callbacks';
import type { Db } from '../platform/db/database';
import type { JobDefinition } from '../scheduler';
import { DriftRecorder } from './drift';

export interface RedriveOptions {
  /** How long past its due time a row may wait before it counts as stuck. Default 10 minutes. */
  overdueMs?: number;
  /** Rows looked at per kind and run. Default 500. */
  limit?: number;
  now?: () => number;
}

interface StuckRow {
  id: string;
  lease_owner: string | null;
  lease_until: number | string | null;
  next_attempt_at: number | string;
}

/**
 * `reconcile.redrive`: the safety net under the delivery worker and the callbacks inbox. Outbox
 * messages not routed, deliveries not sent and inbound events not applied long after they were due
 * (their instance crashed with the lease, a worker loop died, a sender is missing) are handed back:
 * an expired lease is cleared and the row made due now, so that any live worker takes it at once;
 * stored callbacks are applied by the job itself. A delivery for a destination no instance can
 * send to is reported for a person. Each difference is on the run's drift report.
 */
export function redriveJob(deps: {
  db: Db;
  inbox: InboxService;
  /** Destinations this deployment has senders for (a row for another one cannot be re-driven). */
  destinations: () => readonly string[];
  options?: RedriveOptions;
}): JobDefinition {
  const o = deps.options ?? {};
  const now = o.now ?? Date.now;
  return {
    name: 'reconcile.redrive',
    title: '重新驱动滞留的消息和回调',
    run: async (ctx) => {
      const drift = new DriftRecorder(deps.db, ctx.runId, 'reconcile.redrive', now);
      const at = now();
      const before = at - (o.overdueMs ?? 10 * 60_000);
      const limit = o.limit ?? 500;
      const live = (r: StuckRow) => r.lease_until !== null && Number(r.lease_until) > at;

      const outbox = (await deps.db
        .selectFrom('outbox')
        .select(['id', 'lease_owner', 'lease_until', 'next_attempt_at'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<', before)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute()) as StuckRow[];
      for (const row of outbox.filter((r) => !live(r))) {
        await deps.db
          .updateTable('outbox')
          .set({ lease_owner: null, lease_until: null, next_attempt_at: at })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .execute();
        await drift.add({
          kind: 'outbox.unrouted',
          ref: row.id,
          outcome: 'repaired',
          note: row.lease_owner ? '消息的处理实例已失联，已释放并重新投递' : '消息长时间未路由，已重新投递',
        });
      }

      const known = new Set(deps.destinations());
      const deliveries = (await deps.db
        .selectFrom('deliveries')
        .select(['id', 'lease_owner', 'lease_until', 'next_attempt_at', 'destination'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<', before)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute()) as (StuckRow & { destination: string })[];
      for (const row of deliveries.filter((r) => !live(r))) {
        if (!known.has(row.destination)) {
          await drift.add({
            kind: 'delivery.no_sender',
            ref: row.id,
            outcome: 'needs_person',
            note: `目的地 ${row.destination} 没有可用的发送通道（配置已删除？），请修正配置或在投递管理中处理`,
          });
          continue;
        }
        await deps.db
          .updateTable('deliveries')
          .set({ lease_owner: null, lease_until: null, next_attempt_at: at, updated_at: at })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .execute();
        await drift.add({
          kind: 'delivery.stuck',
          ref: row.id,
          outcome: 'repaired',
          note: row.lease_owner ? '投递的发送实例已失联，已释放并重新发送' : '投递长时间未发送，已重新发送',
        });
      }

      // Rows waiting out a long backoff although their destination has answered since they failed:
      // the platform is back, so they go now (their attempts are kept).
      const waiting = (await deps.db
        .selectFrom('deliveries as d')
        .select(['d.id', 'd.destination'])
        .where('d.status', '=', 'pending')
        .where('d.attempts', '>', 0)
        .where('d.next_attempt_at', '>', at + 5000)
        .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', at)]))
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('deliveries as ok')
              .select('ok.id')
              .whereRef('ok.destination', '=', 'd.destination')
              .where('ok.status', '=', 'delivered')
              .whereRef('ok.finished_at', '>', 'd.updated_at'),
          ),
        )
        .limit(limit)
        .execute()) as { id: string; destination: string }[];
      for (const row of waiting) {
        await deps.db
          .updateTable('deliveries')
          .set({ next_attempt_at: at })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .execute();
        await drift.add({
          kind: 'delivery.backoff_after_recovery',
          ref: row.id,
          outcome: 'repaired',
          note: `${row.destination} 已恢复，等待重试的投递已提前发送`,
        });
      }

      const events = (await deps.db
        .selectFrom('callback_inbox')
        .select(['id', 'lease_owner', 'lease_until', 'next_attempt_at'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<', before)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute()) as StuckRow[];
      let applied = 0;
      for (const row of events.filter((r) => !live(r))) {
        if (ctx.signal.aborted) break;
        const outcome = await deps.inbox.process(row.id);
        if (outcome === 'skipped') continue;
        if (outcome === 'done' || outcome === 'ignored') applied++;
        await drift.add({
          kind: 'inbox.unprocessed',
          ref: row.id,
          outcome: outcome === 'dead' ? 'needs_person' : 'repaired',
          note:
            outcome === 'dead'
              ? '回调事件无法处理，已转入失败列表，请在回调收件箱中查看'
              : outcome === 'retry'
                ? '回调事件长时间未处理，已重新处理（仍将重试）'
                : '回调事件长时间未处理，已补处理',
        });
      }
      return drift.outcome({
        outboxChecked: outbox.length,
        deliveriesChecked: deliveries.length,
        pulledForward: waiting.length,
        inboxChecked: events.length,
        inboxApplied: applied,
      });
    },
  };
}
