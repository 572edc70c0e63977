import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamClient, type StreamClient, type StreamClientOptions, type StreamLogger } from './client';
import { DingtalkStreamOpenError } from './errors';
import type { StreamEvent } from './frames';
import type { RunningStreamGateway } from './simulator-server';
import {
  APP,
  connectRaw,
  EVENTS_ALL,
  openTicket,
  sleep,
  startTestGateway,
  testEvent,
  waitFor,
} from './testing';

let gateway: RunningStreamGateway;
const clients: StreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop({ deadlineMs: 100 })));
  await gateway?.close();
});

function recordingLogger() {
  const lines: unknown[] = [];
  const logger: StreamLogger = {
    info: (...args) => lines.push(args),
    warn: (...args) => lines.push(args),
    error: (...args) => lines.push(args),
  };
  return { logger, text: () => JSON.stringify(lines) };
}

function client(overrides: Partial<StreamClientOptions> = {}) {
  const seen: StreamEvent[] = [];
  const created = createStreamClient({
    apiBase: gateway.url,
    ...APP,
    subscriptions: EVENTS_ALL,
    reconnect: { minMs: 20, maxMs: 200 },
    onEvent: async (event) => {
      seen.push(event);
      return 'SUCCESS';
    },
    ...overrides,
  });
  clients.push(created);
  return { client: created, seen };
}

const settled = () => gateway.simulator.pending() === 0;

describe('createStreamClient', () => {
  it('registers, connects and acks an event SUCCESS', async () => {
    gateway = await startTestGateway();
    const { client: c, seen } = client();
    await c.start();
    expect(c.state).toBe('open');
    const event = testEvent();
    gateway.simulator.publish(event);
    await waitFor(settled);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      eventId: event.eventId,
      eventType: event.eventType,
      corpId: event.corpId,
      bornTime: event.bornTime,
      data: event.data,
    });
    const [delivery] = gateway.simulator.deliveries();
    expect(delivery?.outcome).toBe('SUCCESS');
    expect(JSON.parse(delivery?.ack?.data ?? '')).toEqual({ status: 'SUCCESS', message: 'success' });
    expect(gateway.simulator.connections()[0]?.ua).toBe('gcrm-sdk-nodejs/0.1.0');
    expect(c.stats()).toMatchObject({ connections: 1, events: 1, acksSuccess: 1 });
  });

  it('a handler that throws acks LATER and the event is redelivered', async () => {
    gateway = await startTestGateway();
    let calls = 0;
    const { logger, text } = recordingLogger();
    const { client: c } = client({
      logger,
      onEvent: async () => {
        calls += 1;
        if (calls === 1) throw new Error('inbox unavailable 13800138000');
        return 'SUCCESS';
      },
    });
    await c.start();
    gateway.simulator.publish(testEvent());
    await waitFor(settled);
    expect(gateway.simulator.deliveries().map((d) => d.outcome)).toEqual(['LATER', 'SUCCESS']);
    expect(c.stats()).toMatchObject({ acksLater: 1, acksSuccess: 1 });
    // The handler's message may quote personal data: only its class is logged.
    expect(text()).toContain('Error');
    expect(text()).not.toContain('13800138000');
  });

  it('no ack in time → redelivered; the late ack is still recorded (a duplicate for the inbox)', async () => {
    gateway = await startTestGateway({ ackTimeoutMs: 150 });
    const seen: string[] = [];
    const { client: c } = client({
      onEvent: async (event) => {
        seen.push(event.eventId);
        if (seen.length === 1) await sleep(400);
        return 'SUCCESS';
      },
    });
    await c.start();
    gateway.simulator.publish(testEvent());
    await waitFor(() => settled() && gateway.simulator.deliveries()[0]?.ack !== undefined);
    const [first, second] = gateway.simulator.deliveries();
    expect(first?.outcome).toBe('timeout');
    expect(second?.outcome).toBe('SUCCESS');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it('keeps a healthy connection across WebSocket keep-alive pings', async () => {
    gateway = await startTestGateway();
    const { client: c, seen } = client({ keepAliveMs: 30 });
    await c.start();
    await sleep(250);
    gateway.simulator.publish(testEvent());
    await waitFor(settled);
    expect(seen).toHaveLength(1);
    expect(c.stats().connections).toBe(1);
  });

  it('answers SYSTEM ping by echoing its data', async () => {
    gateway = await startTestGateway();
    const { client: c } = client();
    await c.start();
    gateway.simulator.ping();
    await waitFor(() => gateway.simulator.connections()[0]?.pingsAnswered === 1);
    expect(c.stats().pings).toBe(1);
  });

  it('disconnect: reconnects with a new ticket at once; nothing published in the gap is lost', async () => {
    gateway = await startTestGateway({ disconnectGraceMs: 2000 });
    const { logger, text } = recordingLogger();
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const { client: c } = client({
      logger,
      onEvent: async (event) => {
        seen.push(event.eventId);
        if (seen.length === 1) await slow;
        return 'SUCCESS';
      },
    });
    await c.start();
    const [before] = gateway.simulator.connections();
    gateway.simulator.publish(testEvent());
    await waitFor(() => seen.length === 1);
    gateway.simulator.sendDisconnect();
    const gap = Array.from({ length: 5 }, () => testEvent());
    for (const event of gap) gateway.simulator.publish(event);
    // The replacement is open well before the server's close (2 s after disconnect).
    await waitFor(() => c.stats().connections === 2, 1000);
    release();
    await waitFor(settled);
    const deliveries = gateway.simulator.deliveries();
    expect(new Set(seen)).toEqual(new Set(deliveries.map((d) => d.eventId)));
    expect(seen).toHaveLength(6);
    // The in-flight event was acked on the old connection, the gap's events went to the new one.
    expect(deliveries[0]).toMatchObject({ connectionId: before?.connectionId, outcome: 'SUCCESS' });
    expect(deliveries.slice(1).every((d) => d.connectionId !== before?.connectionId)).toBe(true);
    await waitFor(() => gateway.simulator.connections().length === 1);
    expect(c.state).toBe('open');
    expect(text()).not.toContain(APP.clientSecret);
    expect(text()).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });

  it('an abrupt drop → reconnect with backoff, then delivery resumes', async () => {
    gateway = await startTestGateway();
    const { client: c, seen } = client();
    const reconnects: number[] = [];
    c.on('reconnecting', ({ delayMs }) => reconnects.push(delayMs));
    await c.start();
    gateway.simulator.dropConnections();
    gateway.simulator.publish(testEvent());
    await waitFor(settled);
    expect(seen).toHaveLength(1);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect(reconnects[0]).toBeGreaterThanOrEqual(20);
    expect(c.stats().connections).toBe(2);
  });

  it('two clients: each event goes to exactly one of them', async () => {
    gateway = await startTestGateway();
    const a = client();
    const b = client();
    await Promise.all([a.client.start(), b.client.start()]);
    const events = Array.from({ length: 30 }, () => testEvent());
    for (const event of events) gateway.simulator.publish(event);
    await waitFor(settled);
    const idsA = a.seen.map((e) => e.eventId);
    const idsB = b.seen.map((e) => e.eventId);
    expect(idsA.length).toBeGreaterThan(0);
    expect(idsB.length).toBeGreaterThan(0);
    expect([...idsA, ...idsB].sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it('graceful stop waits for the in-flight handler, acks, then closes', async () => {
    gateway = await startTestGateway({ ackTimeoutMs: 5000 });
    let finished = false;
    const { client: c } = client({
      onEvent: async () => {
        await sleep(200);
        finished = true;
        return 'SUCCESS';
      },
    });
    await c.start();
    gateway.simulator.publish(testEvent());
    await waitFor(() => c.inFlight === 1);
    const stopping = c.stop();
    expect(c.state).toBe('stopping');
    // A frame arriving while stopping is not taken: it stays pending for another connection.
    gateway.simulator.publish(testEvent());
    await stopping;
    expect(finished).toBe(true);
    expect(c.state).toBe('stopped');
    expect(gateway.simulator.deliveries()[0]?.outcome).toBe('SUCCESS');
    await waitFor(() => gateway.simulator.connections().length === 0);
    expect(gateway.simulator.pending()).toBe(1);
  });

  it('stop gives up on a stuck handler after the deadline', async () => {
    gateway = await startTestGateway({ ackTimeoutMs: 5000 });
    const { client: c } = client({ onEvent: () => new Promise(() => {}) });
    await c.start();
    gateway.simulator.publish(testEvent());
    await waitFor(() => c.inFlight === 1);
    const started = Date.now();
    await c.stop({ deadlineMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(c.state).toBe('stopped');
    await waitFor(() => gateway.simulator.deliveries()[0]?.outcome === 'connection-closed');
  });

  it('invalid credentials are permanent: start rejects, state failed, no retry', async () => {
    gateway = await startTestGateway();
    const { logger, text } = recordingLogger();
    const { client: c } = client({ clientSecret: 'wrong-secret-value', logger });
    const failures: DingtalkStreamOpenError[] = [];
    c.on('failed', (error) => failures.push(error));
    const error = await c.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DingtalkStreamOpenError);
    expect(error).toMatchObject({ status: 400, code: 'invalidClientIdOrSecret', permanent: true });
    expect(c.state).toBe('failed');
    expect(failures).toHaveLength(1);
    expect(text()).not.toContain('wrong-secret-value');
    expect(String(error)).not.toContain('wrong-secret-value');
  });

  it('other registration errors are retried until they clear', async () => {
    gateway = await startTestGateway({ maxConnectionsPerApp: 1 });
    const { body } = await openTicket(gateway.url);
    const holder = await connectRaw(body.endpoint as string, body.ticket as string);
    const { client: c } = client();
    const causes: string[] = [];
    c.on('reconnecting', ({ cause }) => causes.push(cause));
    const started = c.start();
    await waitFor(() => causes.length >= 2);
    expect(causes[0]).toContain('HTTP 403');
    holder.ws.terminate();
    await started;
    expect(c.state).toBe('open');
  });

  it('start against an unreachable gateway keeps retrying; stop ends it', async () => {
    gateway = await startTestGateway();
    const { client: c } = client({ apiBase: 'http://127.0.0.1:9' });
    const started = c.start().catch((e: unknown) => e);
    await waitFor(() => c.state === 'reconnecting');
    await c.stop();
    expect(await started).toBeInstanceOf(Error);
    expect(c.state).toBe('stopped');
  });

  it('CALLBACK frames are answered with {response}; without a handler with code 404', async () => {
    gateway = await startTestGateway();
    const topic = '/v1.0/im/bot/messages/get';
    const subscriptions = [...EVENTS_ALL, { type: 'CALLBACK' as const, topic }];
    const { client: c } = client({ subscriptions, onCallback: async (_t, data) => ({ echo: data.text }) });
    await c.start();
    const ack = await gateway.simulator.sendCallback(topic, { text: '你好' });
    expect(ack?.code).toBe(200);
    expect(JSON.parse(ack?.data ?? '')).toEqual({ response: { echo: '你好' } });
    await c.stop();
    const { client: bare } = client({ subscriptions });
    await bare.start();
    expect((await gateway.simulator.sendCallback(topic, {}))?.code).toBe(404);
  });

  it('garbage frames never crash it; it keeps acking real events (property)', async () => {
    gateway = await startTestGateway({ disconnectGraceMs: 50 });
    const { client: c, seen } = client();
    await c.start();
    const headers = fc.dictionary(
      fc.constantFrom(
        'topic',
        'messageId',
        'eventId',
        'eventType',
        'eventBornTime',
        'contentType',
        '__proto__',
      ),
      fc.oneof(fc.string(), fc.constantFrom('ping', 'disconnect', '*', 'm1'), fc.integer(), fc.anything()),
    );
    const frame = fc
      .record(
        {
          specVersion: fc.anything(),
          type: fc.oneof(fc.constantFrom('SYSTEM', 'EVENT', 'CALLBACK'), fc.anything()),
          headers: fc.oneof(headers, fc.anything()),
          data: fc.oneof(fc.json(), fc.string(), fc.anything()),
        },
        { requiredKeys: [] },
      )
      .map((value) => {
        try {
          return JSON.stringify(value) ?? 'null';
        } catch {
          return '{}';
        }
      });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string(), fc.json(), frame), { maxLength: 5 }), async (texts) => {
        for (const text of texts) gateway.simulator.sendRaw(text);
        await sleep(2);
      }),
      { numRuns: 150 },
    );
    expect(c.stats().frameErrors).toBeGreaterThan(0);
    const event = testEvent();
    gateway.simulator.publish(event);
    await waitFor(() => seen.some((e) => e.eventId === event.eventId), 10_000);
    expect(['open', 'reconnecting']).toContain(c.state);
  });
});
