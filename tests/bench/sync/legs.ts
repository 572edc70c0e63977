/** The three runs of `bench:sync`: the direct loop (anchor), the outbox path, and the 20 QPS limit. */
import type { WecomClient } from '@gcrm/connectors/wecom';
import { BENCH_TOPIC, prepareBenchDb, seedOutbox } from '../../../gateway/src/delivery/bench-support';
import type { DeliveryRoute, DeliverySender } from '../../../gateway/src/delivery/delivery.types';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../../gateway/src/delivery/worker';
import type { Db } from '../../../gateway/src/platform/db/database';
import { messageFor } from './platform';

export const DESTINATION = 'wecom.message';

export interface LegResult {
  sent: number;
  ms: number;
  perSecond: number;
}

/** Sends one progress message of case `caseIndex` through the real client. */
export function sendProgress(client: WecomClient, caseIndex: number, n: number) {
  const { touser, content } = messageFor(caseIndex, n);
  return client.sendMessage({ msgtype: 'text', text: { content }, touser: [touser] });
}

/** The anchor: message i (case i mod cases, n = i div cases) sent straight through the client, `concurrency` at a time. */
export async function directLoop(
  client: WecomClient,
  messages: number,
  cases: number,
  concurrency: number,
): Promise<LegResult> {
  await client.getAccessToken();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const i = next++;
        await sendProgress(client, i % cases, Math.floor(i / cases));
      }
    }),
  );
  const ms = performance.now() - started;
  return { sent: messages, ms, perSecond: (messages * 1000) / ms };
}

/** The route of the bench: one `wecom.message` delivery per progress message, in case order. */
export const wecomRoute: DeliveryRoute = {
  name: 'bench-wecom',
  topics: [BENCH_TOPIC],
  plan: async (m) => {
    const caseIndex = Number(String(m.payload.caseId).replace('bench-', ''));
    return [
      {
        destination: DESTINATION,
        key: m.dedupeKey,
        orderKey: String(m.payload.caseId),
        payload: { caseIndex, n: Number(m.payload.n) },
      },
    ];
  },
};

/** The WeCom sender: the same client call as the direct loop; the connector's errors carry their kind. */
export function wecomSender(client: WecomClient, onSent: () => void): DeliverySender {
  return {
    destination: DESTINATION,
    async send(d) {
      const result = await sendProgress(client, Number(d.payload.caseIndex), Number(d.payload.n));
      onSent();
      return { outcome: 'delivered', reference: result.msgid };
    },
  };
}

export interface OutboxLegOptions {
  messages: number;
  cases: number;
  workers: number;
  /** Per worker. */
  concurrency: number;
  worker?: Partial<DeliveryWorkerOptions>;
  timeoutMs?: number;
}

export interface OutboxLegResult extends LegResult {
  /** Rows by status after the run. */
  statuses: Record<string, number>;
}

/**
 * Seeds `messages` outbox messages (not timed: the business transactions write them), then runs the
 * workers from the first claim until the client has sent every message, and stops them.
 */
export async function outboxLeg(db: Db, client: WecomClient, o: OutboxLegOptions): Promise<OutboxLegResult> {
  await prepareBenchDb(db);
  await seedOutbox(db, o.messages, o.cases);
  await client.getAccessToken();
  let sent = 0;
  const sender = wecomSender(client, () => {
    sent++;
  });
  const workers = Array.from(
    { length: o.workers },
    (_, i) =>
      new DeliveryWorker(db, [wecomRoute], [sender], {
        name: `bench-sync-${i}`,
        concurrency: o.concurrency,
        batchSize: 100,
        pollIntervalMs: 20,
        ...o.worker,
      }),
  );
  const deadline = Date.now() + (o.timeoutMs ?? 300_000);
  const started = performance.now();
  for (const w of workers) w.start();
  while (sent < o.messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  await Promise.all(workers.map((w) => w.stop()));
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const statuses = Object.fromEntries(rows.map((r) => [r.status as string, Number(r.n)]));
  return { sent, ms, perSecond: (sent * 1000) / ms, statuses };
}
