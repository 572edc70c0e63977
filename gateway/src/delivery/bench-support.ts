/**
 * Bench plumbing: seed N outbox messages over M cases (`npm run bench:sync` seeds with it and sends
 * them to the WeCom simulator, tests/bench/sync), and {@link runDeliveryBench}: W delivery workers on
 * one database until every delivery is done, with an in-process sink (optionally slow) as the sender,
 * so that it measures the queue, not a platform.
 */
import type { Db } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { type OutboxMessage, OutboxWriter, outboxMigrations } from '../platform/outbox/outbox';
import { deliveryMigrations } from './delivery.migrations';
import type { DeliveryRoute, DeliverySender } from './delivery.types';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker';

export const BENCH_TOPIC = 'bench.progress';
export const BENCH_DESTINATION = 'bench.sink';

/** Creates the outbox and delivery tables (a fresh database). */
export async function prepareBenchDb(db: Db): Promise<void> {
  await migrate(db, outboxMigrations, deliveryMigrations);
}

/** Writes `messages` outbox messages spread round-robin over `cases` cases, 500 per transaction. */
export async function seedOutbox(
  db: Db,
  messages: number,
  cases: number,
  runId = `${Date.now()}`,
): Promise<void> {
  const writer = new OutboxWriter(db);
  for (let start = 0; start < messages; start += 500) {
    const batch: OutboxMessage[] = [];
    for (let i = start; i < Math.min(messages, start + 500); i++) {
      const caseId = `bench-${i % cases}`;
      batch.push({
        topic: BENCH_TOPIC,
        aggregateType: 'case',
        aggregateId: caseId,
        dedupeKey: `${BENCH_TOPIC}:${runId}:${i}`,
        payload: { caseId, n: Math.floor(i / cases) },
      });
    }
    await inTransaction(db, (tx) => writer.enqueueAll(tx, batch, Date.now()));
  }
}

export interface DeliveryBenchOptions {
  messages: number;
  cases: number;
  workers: number;
  /** Per worker. Default 16. */
  concurrency?: number;
  batchSize?: number;
  /** Simulated platform latency per send. Default 0. */
  sendLatencyMs?: number;
  /** Give up after this long. Default 10 min. */
  timeoutMs?: number;
  worker?: Partial<DeliveryWorkerOptions>;
}

export interface DeliveryBenchResult {
  delivered: number;
  ms: number;
  perSecond: number;
  /** Sends that overtook an earlier message of their case (must be 0). */
  outOfOrder: number;
  /** Keys sent more than once (0 unless a lease expired mid-send). */
  duplicates: number;
}

/** Runs `workers` workers until the seeded messages are all delivered (or the timeout). */
export async function runDeliveryBench(db: Db, options: DeliveryBenchOptions): Promise<DeliveryBenchResult> {
  const lastN = new Map<string, number>();
  const sent = new Set<string>();
  let outOfOrder = 0;
  let duplicates = 0;
  let delivered = 0;
  const route: DeliveryRoute = {
    name: 'bench',
    topics: [BENCH_TOPIC],
    plan: async (m) => [
      {
        destination: BENCH_DESTINATION,
        key: m.dedupeKey,
        orderKey: String(m.payload.caseId),
        payload: m.payload,
      },
    ],
  };
  const sender: DeliverySender = {
    destination: BENCH_DESTINATION,
    async send(d) {
      if (options.sendLatencyMs) await new Promise((r) => setTimeout(r, options.sendLatencyMs));
      const n = Number(d.payload.n);
      if ((lastN.get(d.orderKey) ?? -1) > n) outOfOrder++;
      lastN.set(d.orderKey, n);
      if (sent.has(d.key)) duplicates++;
      else {
        sent.add(d.key);
        delivered++;
      }
      return { outcome: 'delivered' };
    },
  };
  const workers = Array.from(
    { length: options.workers },
    (_, i) =>
      new DeliveryWorker(db, [route], [sender], {
        name: `bench-${i}`,
        pollIntervalMs: 20,
        concurrency: options.concurrency ?? 16,
        batchSize: options.batchSize ?? 100,
        ...options.worker,
      }),
  );
  const started = performance.now();
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (const w of workers) w.start();
  while (delivered < options.messages && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const ms = performance.now() - started;
  await Promise.all(workers.map((w) => w.stop()));
  return { delivered, ms, perSecond: (delivered * 1000) / ms, outOfOrder, duplicates };
}
