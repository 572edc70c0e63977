// For any interleaving of enqueues, routing and claiming by two workers, and sends finishing (or
// failing) in any order: each delivery takes effect once, and a case's deliveries reach the outside
// in the order of its messages, never two of one case in flight at once.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import type { DeliveryRecord, DeliverySender } from './delivery.types';
import {
  caseMessage,
  caseRoute,
  clearTables,
  type DeliveryTestDb,
  enqueue,
  kindError,
  openDeliveryDb,
  rows,
} from './testing';
import { DeliveryWorker } from './worker';

type Step =
  | { op: 'enqueue'; caseIdx: number; count: number }
  | { op: 'route'; w: number }
  | { op: 'dispatch'; w: number }
  | { op: 'finish'; pick: number; fail: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('enqueue' as const),
    caseIdx: fc.nat(2),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ op: fc.constant('route' as const), w: fc.nat(1) }),
  fc.record({ op: fc.constant('dispatch' as const), w: fc.nat(1) }),
  fc.record({ op: fc.constant('finish' as const), pick: fc.nat(), fail: fc.boolean() }),
);

let t: DeliveryTestDb;
beforeAll(async () => {
  t = await openDeliveryDb();
});
afterAll(async () => {
  await t?.close();
});

describe(`delivery under any interleaving (${dialect})`, () => {
  it('delivers each once and keeps per-orderKey order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        await clearTables(t);
        const held: { d: DeliveryRecord; settle: (fail: boolean) => void }[] = [];
        const inFlight = new Map<string, number>();
        const effects: DeliveryRecord[] = [];
        const effectCount = new Map<string, number>();
        let overlap = false;
        let auto = false;
        const sender: DeliverySender = {
          destination: 'test.sink',
          async send(d) {
            inFlight.set(d.orderKey, (inFlight.get(d.orderKey) ?? 0) + 1);
            if (inFlight.get(d.orderKey)! > 1) overlap = true;
            try {
              if (!auto) {
                const fail = await new Promise<boolean>((resolve) => held.push({ d, settle: resolve }));
                if (fail) throw kindError('retryable');
              }
              effectCount.set(d.key, (effectCount.get(d.key) ?? 0) + 1);
              effects.push(d);
              return { outcome: 'delivered' };
            } finally {
              inFlight.set(d.orderKey, inFlight.get(d.orderKey)! - 1);
            }
          },
        };
        const options = {
          pollIntervalMs: 5,
          concurrency: 3,
          batchSize: 4,
          backoff: { baseMs: 1, capMs: 1, maxAttempts: 1000 },
        };
        const workers = [
          new DeliveryWorker(t.database.db, [caseRoute()], [sender], { name: 'a', ...options }),
          new DeliveryWorker(t.database.db, [caseRoute()], [sender], { name: 'b', ...options }),
        ];
        const next = [0, 0, 0];
        let enqueued = 0;
        for (const s of steps) {
          if (s.op === 'enqueue') {
            const messages = Array.from({ length: s.count }, () =>
              caseMessage(`c${s.caseIdx}`, next[s.caseIdx]!++),
            );
            await enqueue(t, messages);
            enqueued += s.count;
          } else if (s.op === 'route') {
            await workers[s.w]!.routeOnce();
          } else if (s.op === 'dispatch') {
            await workers[s.w]!.dispatchOnce();
            await new Promise((resolve) => setImmediate(resolve));
          } else if (held.length > 0) {
            const [h] = held.splice(s.pick % held.length, 1);
            h!.settle(s.fail);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        auto = true;
        for (const h of held.splice(0)) h.settle(false);
        await Promise.all(workers.map((w) => w.settled()));
        for (let round = 0; round < 3; round++) {
          for (const w of workers) await w.drain({ maxWaitMs: 50 });
        }

        expect(overlap).toBe(false);
        expect(effects).toHaveLength(enqueued);
        expect([...effectCount.values()].every((n) => n === 1)).toBe(true);
        for (const c of [0, 1, 2]) {
          const order = effects.filter((d) => d.orderKey === `c${c}`).map((d) => d.payload.n);
          expect(order).toEqual(Array.from({ length: next[c]! }, (_, i) => i));
        }
        expect((await rows(t)).every((r) => r.status === 'delivered')).toBe(true);
      }),
      { numRuns: dialect === 'mysql' ? 15 : 30 },
    );
  }, 120_000);
});
