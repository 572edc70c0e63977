// Test plumbing for delivery tests: a migrated database of the dialect under test, outbox writes,
// and senders that record what reached "the outside".
import { createTestEnv, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { type OutboxMessage, OutboxWriter, outboxMigrations } from '../platform/outbox/outbox';
import type { DeliveryRow } from './delivery.migrations';
import { deliveryMigrations } from './delivery.migrations';
import type { DeliveryRecord, DeliveryRoute, DeliverySender } from './delivery.types';

export interface DeliveryTestDb {
  env: TestEnv;
  database: Database;
  outbox: OutboxWriter;
  close(): Promise<void>;
}

export async function openDeliveryDb(): Promise<DeliveryTestDb> {
  const env = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(database.db, outboxMigrations, deliveryMigrations);
  return {
    env,
    database,
    outbox: new OutboxWriter(database.db),
    close: async () => {
      await database.close();
      await env.cleanup();
    },
  };
}

/** Empties both tables (between property-test runs). */
export async function clearTables(t: DeliveryTestDb): Promise<void> {
  await t.database.db.deleteFrom('deliveries').execute();
  await t.database.db.deleteFrom('outbox').execute();
}

let seq = 0;

/** A `case.progress` message of `caseId` carrying `n` (its place in that case's order). */
export function caseMessage(caseId: string, n: number, extra: Record<string, unknown> = {}): OutboxMessage {
  seq++;
  return {
    topic: 'case.progress',
    aggregateType: 'case',
    aggregateId: caseId,
    dedupeKey: `case.progress:${caseId}:${n}:${seq}:${Math.random()}`,
    payload: { caseId, n, ...extra },
  };
}

export async function enqueue(t: DeliveryTestDb, messages: OutboxMessage[], now = Date.now()): Promise<void> {
  await inTransaction(t.database.db, (tx) => t.outbox.enqueueAll(tx, messages, now));
}

/** Every `case.progress` message → one delivery to `destination`, ordered by case. */
export function caseRoute(destination = 'test.sink', extra: Partial<DeliveryRoute> = {}): DeliveryRoute {
  return {
    name: `case-to-${destination}`,
    topics: ['case.progress'],
    plan: async (m) => [
      {
        destination,
        key: `${destination}:${m.dedupeKey}`,
        orderKey: String(m.payload.caseId),
        payload: { caseId: m.payload.caseId, n: m.payload.n },
      },
    ],
    ...extra,
  };
}

/** A sender that records each effect once per key (as an idempotent platform would). */
export function recordingSender(
  destination = 'test.sink',
  behaviour: (d: DeliveryRecord, call: number) => unknown = () => {},
) {
  const effects: DeliveryRecord[] = [];
  const keys = new Map<string, number>();
  let calls = 0;
  const sender: DeliverySender = {
    destination,
    async send(d) {
      await behaviour(d, ++calls);
      keys.set(d.key, (keys.get(d.key) ?? 0) + 1);
      if (keys.get(d.key) === 1) effects.push(d);
      return { outcome: 'delivered', reference: `ref-${d.key.length}` };
    },
  };
  return {
    sender,
    effects,
    /** How many times each key was sent successfully (2+ = a duplicate the key had to absorb). */
    keys,
    calls: () => calls,
  };
}

export async function rows(t: DeliveryTestDb): Promise<DeliveryRow[]> {
  return (await t.database.db
    .selectFrom('deliveries')
    .selectAll()
    .orderBy('order_seq')
    .execute()) as DeliveryRow[];
}

/** An error shaped like the connectors' (kind + optional retryAfterMs). */
export function kindError(kind: string, retryAfterMs?: number): Error {
  return Object.assign(new Error(`simulated ${kind}`), {
    kind,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
