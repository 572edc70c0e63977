import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../../core/testing/raw-http';
import type { DingtalkEventSink } from '../simulator/events';
import { buildAck, buildEventAck } from './frames';
import { OPEN_CONNECTION_PATH } from './open-connection';
import { StreamGatewaySimulator } from './simulator';
import type { RunningStreamGateway } from './simulator-server';
import { APP, connectRaw, openTicket, type RawSocket, startTestGateway, testEvent, waitFor } from './testing';

let gateway: RunningStreamGateway;
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await gateway?.close();
});

async function connect(subscriptions?: unknown): Promise<RawSocket> {
  const { body } = await openTicket(gateway.url, subscriptions);
  const socket = await connectRaw(body.endpoint as string, body.ticket as string);
  sockets.push(socket);
  return socket;
}

describe('registration and tickets', () => {
  it('open → {endpoint, ticket} → WebSocket connect', async () => {
    gateway = await startTestGateway();
    const { status, body } = await openTicket(gateway.url);
    expect(status).toBe(200);
    expect(body.endpoint).toBe(`${gateway.url.replace('http', 'ws')}/connect`);
    expect(body.ticket).toMatch(/^[0-9a-f-]{36}$/);
    await connectRaw(body.endpoint as string, body.ticket as string).then((s) => sockets.push(s));
    await waitFor(() => gateway.simulator.connections().length === 1);
    expect(gateway.simulator.connections()[0]).toMatchObject({ clientId: APP.clientId, ua: 'test/1.0' });
  });

  it('bad credentials → HTTP 400 invalidClientIdOrSecret in the v1.0 error shape', async () => {
    gateway = await startTestGateway();
    const { status, body } = await postJson(gateway.url, OPEN_CONNECTION_PATH, {
      ...APP,
      clientSecret: 'wrong',
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'invalidClientIdOrSecret' });
    expect(typeof body.requestid).toBe('string');
  });

  it.each([
    [
      'no clientId',
      { clientSecret: 'x', subscriptions: [{ type: 'EVENT', topic: '*' }] },
      'MissingParameter',
    ],
    ['no subscriptions', { ...APP }, 'InvalidParameter'],
    [
      'bad subscription type',
      { ...APP, subscriptions: [{ type: 'SYSTEM', topic: 'ping' }] },
      'InvalidParameter',
    ],
  ])('%s → HTTP 400 %s', async (_name, request, code) => {
    gateway = await startTestGateway();
    const { status, body } = await postJson(gateway.url, OPEN_CONNECTION_PATH, request);
    expect(status).toBe(400);
    expect(body.code).toBe(code);
  });

  it('a reused ticket is refused with HTTP 401 on upgrade', async () => {
    gateway = await startTestGateway();
    const { body } = await openTicket(gateway.url);
    sockets.push(await connectRaw(body.endpoint as string, body.ticket as string));
    await expect(connectRaw(body.endpoint as string, body.ticket as string)).rejects.toThrow('HTTP 401');
    await expect(connectRaw(body.endpoint as string, 'made-up')).rejects.toThrow('HTTP 401');
  });

  it('a ticket older than 90 s is refused', async () => {
    gateway = await startTestGateway();
    const { body } = await openTicket(gateway.url);
    await postJson(gateway.url, '/__sandbox/stream/clock', { advanceSeconds: 91 });
    await expect(connectRaw(body.endpoint as string, body.ticket as string)).rejects.toThrow('HTTP 401');
    const fresh = await openTicket(gateway.url);
    await postJson(gateway.url, '/__sandbox/stream/clock', { advanceSeconds: 89 });
    sockets.push(await connectRaw(fresh.body.endpoint as string, fresh.body.ticket as string));
  });

  it('caps open connections per app', async () => {
    gateway = await startTestGateway({ maxConnectionsPerApp: 2 });
    await connect();
    const second = await openTicket(gateway.url);
    const third = await openTicket(gateway.url);
    sockets.push(await connectRaw(second.body.endpoint as string, second.body.ticket as string));
    await expect(connectRaw(third.body.endpoint as string, third.body.ticket as string)).rejects.toThrow(
      'HTTP 403',
    );
    await waitFor(() => gateway.simulator.connections().length === 2);
    const fourth = await openTicket(gateway.url);
    expect(fourth.status).toBe(403);
    expect(fourth.body.code).toBe('Forbidden.AccessDenied.ConnectionLimit');
  });

  it('attaches to a shared HTTP server and leaves other upgrade paths alone', async () => {
    gateway = await startTestGateway();
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sim = new StreamGatewaySimulator({ pingIntervalMs: 0 });
    sim.attach(server, '/stream/connect');
    try {
      const answer = sim.handleOpen(
        { ...APP, subscriptions: [{ type: 'EVENT', topic: '*' }] },
        { checkCredentials: () => true },
      );
      const { port } = server.address() as AddressInfo;
      expect(answer.body.endpoint).toBe(`ws://127.0.0.1:${port}/stream/connect`);
      sockets.push(await connectRaw(answer.body.endpoint as string, answer.body.ticket as string));
      await expect(connectRaw(`ws://127.0.0.1:${port}/other`, 'x')).rejects.toThrow('HTTP 404');
    } finally {
      await sim.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('event delivery', () => {
  it('is a DingtalkEventSink of the DingTalk simulator', async () => {
    gateway = await startTestGateway();
    const sink: DingtalkEventSink = gateway.simulator;
    const socket = await connect();
    sink.publish(testEvent());
    await waitFor(() => socket.frames.length === 1);
  });

  it('sends the EVENT frame in the documented shape and records the SUCCESS ack', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    const event = testEvent();
    gateway.simulator.publish(event);
    const frame = await waitFor(() => socket.frames.find((f) => f.type === 'EVENT'));
    expect(frame.specVersion).toBe('1.0');
    expect(frame.headers).toMatchObject({
      topic: '*',
      contentType: 'application/json',
      eventType: event.eventType,
      eventId: event.eventId,
      eventCorpId: event.corpId,
      eventBornTime: String(event.bornTime),
    });
    for (const name of ['messageId', 'time', 'appId', 'connectionId', 'eventUnifiedAppId']) {
      expect(typeof frame.headers[name]).toBe('string');
    }
    expect(JSON.parse(frame.data)).toEqual(event.data);
    socket.ws.send(JSON.stringify(buildEventAck(frame.headers.messageId as string, 'SUCCESS', 'ok')));
    await waitFor(() => gateway.simulator.pending() === 0);
    const [delivery] = gateway.simulator.deliveries();
    expect(delivery).toMatchObject({ eventId: event.eventId, outcome: 'SUCCESS', attempt: 1 });
    expect(delivery?.ack?.data).toBe('{"status":"SUCCESS","message":"ok"}');
  });

  it('LATER and a missing ack both lead to redelivery', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    gateway.simulator.publish(testEvent());
    const first = await waitFor(() => socket.frames.find((f) => f.type === 'EVENT'));
    socket.ws.send(JSON.stringify(buildEventAck(first.headers.messageId as string, 'LATER', 'busy')));
    // The second delivery is left unacked: it times out (300 ms) and comes a third time.
    await waitFor(() => socket.frames.filter((f) => f.type === 'EVENT').length >= 3);
    const outcomes = gateway.simulator.deliveries().map((d) => d.outcome);
    expect(outcomes.slice(0, 2)).toEqual(['LATER', 'timeout']);
    const events = socket.frames.filter((f) => f.type === 'EVENT');
    expect(new Set(events.map((f) => f.headers.eventId)).size).toBe(1);
    expect(new Set(events.map((f) => f.headers.messageId)).size).toBe(events.length);
    expect(gateway.simulator.pending()).toBe(1);
  });

  it('waits for a subscribed connection; events for other callbacks only are not sent', async () => {
    gateway = await startTestGateway();
    const botOnly = await connect([{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }]);
    gateway.simulator.publish(testEvent());
    const socket = await connect();
    await waitFor(() => socket.frames.some((f) => f.type === 'EVENT'));
    expect(botOnly.frames).toEqual([]);
  });

  it('duplicates and reorders on request', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    socket.ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8'));
      socket.ws.send(JSON.stringify(buildEventAck(frame.headers.messageId, 'SUCCESS', 'ok')));
    });
    await postJson(gateway.url, '/__sandbox/stream/faults', { duplicate: 1, reorder: true });
    const a = testEvent();
    const b = testEvent();
    gateway.simulator.publish(a);
    gateway.simulator.publish(b);
    await waitFor(() => socket.frames.length === 3 && gateway.simulator.pending() === 0);
    const ids = socket.frames.map((f) => f.headers.eventId);
    expect(ids.slice(0, 2)).toEqual([b.eventId, a.eventId]);
    expect(ids.filter((id) => id === b.eventId)).toHaveLength(2);
  });

  it('a closed socket puts its in-flight events back in the queue', async () => {
    gateway = await startTestGateway({ ackTimeoutMs: 60_000 });
    const first = await connect();
    gateway.simulator.publish(testEvent());
    await waitFor(() => first.frames.length === 1);
    first.ws.terminate();
    const second = await connect();
    await waitFor(() => second.frames.length === 1);
    expect(gateway.simulator.deliveries().map((d) => d.outcome)).toEqual(['connection-closed', 'in-flight']);
  });
});

describe('system frames and faults', () => {
  it('pings with an opaque and counts echoes', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    gateway.simulator.ping();
    const ping = await waitFor(() => socket.frames.find((f) => f.headers.topic === 'ping'));
    expect(ping.type).toBe('SYSTEM');
    expect(JSON.parse(ping.data)).toHaveProperty('opaque');
    socket.ws.send(JSON.stringify(buildAck(ping.headers.messageId as string, ping.data)));
    await waitFor(() => gateway.simulator.connections()[0]?.pingsAnswered === 1);
  });

  it('disconnect: frame, no new deliveries on that socket, close after the grace time', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    const { body } = await postJson(gateway.url, '/__sandbox/stream/disconnect', {});
    expect(body).toEqual({ connections: 1 });
    const frame = await waitFor(() => socket.frames.find((f) => f.headers.topic === 'disconnect'));
    expect(JSON.parse(frame.data)).toEqual({ reason: 'persistent connection is timeout' });
    gateway.simulator.publish(testEvent());
    expect(await socket.closed).toBe(1000);
    expect(socket.frames.some((f) => f.type === 'EVENT')).toBe(false);
    expect(gateway.simulator.pending()).toBe(1);
  });

  it('drop cuts connections abruptly', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    expect((await postJson(gateway.url, '/__sandbox/stream/drop', {})).body).toEqual({ dropped: 1 });
    expect(await socket.closed).toBe(1006);
  });

  it('counts upstream garbage without dropping the connection', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    socket.ws.send('not json');
    socket.ws.send('{"code":200,"headers":{"messageId":"unknown"},"data":"{}"}');
    await waitFor(
      () => gateway.simulator.stats().badFrames === 1 && gateway.simulator.stats().unknownAcks === 1,
    );
    expect(gateway.simulator.connections()).toHaveLength(1);
  });
});

describe('sandbox HTTP API', () => {
  it('publishes and lists deliveries and connections', async () => {
    gateway = await startTestGateway();
    const socket = await connect();
    const published = await postJson(gateway.url, '/__sandbox/stream/events', {
      eventType: 'bpms_task_change',
      corpId: 'dingcorp',
      data: { processInstanceId: 'pi-1', type: 'start' },
    });
    expect(published.status).toBe(200);
    await waitFor(() => socket.frames.length === 1);
    const { body } = await getJson(gateway.url, '/__sandbox/stream/deliveries');
    expect(body.pending).toBe(1);
    expect((body.deliveries as { eventId: string }[])[0]?.eventId).toBe(published.body.eventId);
    const conns = await getJson(gateway.url, '/__sandbox/stream/connections');
    expect((conns.body.connections as unknown[]).length).toBe(1);
  });

  it('random bodies on every route answer JSON 200/400/404 and never crash it (property)', async () => {
    gateway = await startTestGateway();
    const paths = [
      OPEN_CONNECTION_PATH,
      '/__sandbox/stream/events',
      '/__sandbox/stream/deliveries',
      '/__sandbox/stream/disconnect',
      '/__sandbox/stream/drop',
      '/__sandbox/stream/faults',
      '/__sandbox/stream/clock',
      '/__sandbox/stream/unknown',
    ];
    const keys = ['clientId', 'clientSecret', 'subscriptions', 'eventType', 'data', 'duplicate', 'reorder'];
    const value = fc.oneof(
      fc.anything(),
      fc.constantFrom(APP.clientId, APP.clientSecret, 'EVENT', '*', 3, true),
      fc.array(fc.record({ type: fc.constantFrom('EVENT', 'CALLBACK', 'X'), topic: fc.string() })),
    );
    const body = fc.oneof(
      fc.string(),
      fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), value).map((record) => {
        try {
          return JSON.stringify(record) ?? '{}';
        } catch {
          return '{}';
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('GET', 'POST'),
        body,
        async (path, method, raw) => {
          const init: RequestInit = { method };
          if (method === 'POST') init.body = raw;
          const response = await fetch(new URL(path, gateway.url), init);
          expect([200, 400, 403, 404]).toContain(response.status);
          expect(await response.json()).toBeTypeOf('object');
        },
      ),
      { numRuns: 200 },
    );
    // Still serving: fuzzed faults and clock moves do not stop a normal registration.
    gateway.simulator.setReorder(false);
    expect((await openTicket(gateway.url)).status).toBe(200);
  });
});
