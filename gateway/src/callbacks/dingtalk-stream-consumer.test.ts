import { randomUUID } from 'node:crypto';
import { type RunningStreamGateway, startStreamGatewaySimulator } from '@gcrm/connectors/dingtalk/stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { createDatabase } from '../platform/db/database';
import { DingtalkStreamConsumer } from './dingtalk-stream-consumer';
import { InboxService } from './inbox.service';
import { type InboxEvent, InboxHandlers } from './inbox-handlers';
import { type Harness, rowsOf, startHarness, until } from './testing/harness';

const APP = { clientId: 'dingstreamcallback1', clientSecret: 'stream-callback-test-secret-000000' };

const event = (type = 'bpms_task_change') => ({
  eventType: type,
  eventId: randomUUID().replaceAll('-', ''),
  corpId: 'dingcorp',
  bornTime: Date.now(),
  data: { processInstanceId: 'proc-1', taskId: 7, type: 'finish', result: 'agree', staffId: 'lina' },
});

describe(`DingTalk Stream consumer (${dialect})`, () => {
  let h: Harness;
  let gateway: RunningStreamGateway;
  const consumers: DingtalkStreamConsumer[] = [];
  const applied: InboxEvent[] = [];

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('dingtalk', 'bpms_task_change', async (e) => {
      applied.push(e);
    });
    h = await startHarness({ handlers });
    gateway = await startStreamGatewaySimulator({
      credentials: APP,
      ackTimeoutMs: 300,
      redelivery: { minMs: 20, maxMs: 100 },
      pingIntervalMs: 0,
      disconnectGraceMs: 300,
    });
  });
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.stop();
  });
  afterAll(async () => {
    await gateway?.close();
    await h?.close();
  });

  const start = async (inbox = h.inbox) => {
    const consumer = new DingtalkStreamConsumer(inbox, { apiBase: gateway.url, ...APP, keepAliveMs: 0 });
    consumers.push(consumer);
    await consumer.start();
    expect(consumer.state).toBe('open');
    return consumer;
  };

  it('stores each event once (duplicates by eventId), acks SUCCESS after the commit, then applies it', async () => {
    await start();
    gateway.simulator.duplicateNext(2);
    const published = event();
    gateway.simulator.publish(published);
    const acked = await until(() => {
      const mine = gateway.simulator.deliveries().filter((d) => d.eventId === published.eventId);
      return mine.length === 3 && mine.every((d) => d.outcome === 'SUCCESS') ? mine : undefined;
    });
    const rows = (await rowsOf(h, 'dingtalk')).filter((r) => r.dedupe_key === `event:${published.eventId}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.received_at).toBeLessThanOrEqual(Math.min(...acked.map((d) => d.ackedAt ?? 0)));
    await until(() => applied.some((e) => e.dedupeKey === `event:${published.eventId}`));
    await h.inbox.drain();
    expect(applied.filter((e) => e.dedupeKey === `event:${published.eventId}`)).toHaveLength(1);
    expect(applied.at(-1)?.payload).toMatchObject({
      EventType: 'bpms_task_change',
      processInstanceId: 'proc-1',
    });
  });

  it('an event without a handler is stored as ignored and acked', async () => {
    await start();
    const published = event('user_add_org');
    gateway.simulator.publish(published);
    await until(() =>
      gateway.simulator.deliveries().some((d) => d.eventId === published.eventId && d.outcome === 'SUCCESS'),
    );
    const row = (await rowsOf(h, 'dingtalk')).find((r) => r.dedupe_key === `event:${published.eventId}`);
    expect(row?.status).toBe('ignored');
  });

  it('acks LATER when the inbox cannot store (the event is redelivered, never dropped)', async () => {
    // An unmigrated database (no inbox table): every insert fails, whatever the test dialect.
    const broken = createDatabase({ kind: 'sqlite', file: ':memory:' });
    const brokenInbox = new InboxService(broken.db, new InboxHandlers(), {});
    const consumer = await start(brokenInbox);
    const published = event();
    gateway.simulator.publish(published);
    await until(
      () =>
        gateway.simulator.deliveries().filter((d) => d.eventId === published.eventId && d.outcome === 'LATER')
          .length >= 2,
    );
    // The same event reaches a healthy consumer once the broken one is gone.
    await consumer.stop();
    consumers.splice(consumers.indexOf(consumer), 1);
    await start();
    await until(() =>
      gateway.simulator.deliveries().some((d) => d.eventId === published.eventId && d.outcome === 'SUCCESS'),
    );
    expect(
      (await rowsOf(h, 'dingtalk')).filter((r) => r.dedupe_key === `event:${published.eventId}`),
    ).toHaveLength(1);
    await broken.close();
  });
});
