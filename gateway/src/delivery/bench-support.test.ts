import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { prepareBenchDb, runDeliveryBench, seedOutbox } from './bench-support';
import { type DeliveryTestDb, openDeliveryDb } from './testing';

let t: DeliveryTestDb;
beforeAll(async () => {
  t = await openDeliveryDb();
});
afterAll(async () => {
  await t?.close();
});

describe(`bench support (${dialect})`, () => {
  it('seeds messages and runs two workers to completion, in order, once each', async () => {
    await prepareBenchDb(t.database.db);
    await seedOutbox(t.database.db, 600, 25);
    const result = await runDeliveryBench(t.database.db, {
      messages: 600,
      cases: 25,
      workers: 2,
      timeoutMs: 60_000,
    });
    expect(result).toMatchObject({ delivered: 600, outOfOrder: 0, duplicates: 0 });
    expect(result.perSecond).toBeGreaterThan(0);
  }, 90_000);
});
