import { afterEach, describe, expect, it } from 'vitest';
import type { DingtalkClient } from '../client';
import type { DingtalkSimulator } from '../simulator/simulator';
import { APP, postJson, startSimAndClient } from '../simulator/testing';
import { createStreamClient, type StreamClient } from './client';
import type { StreamEvent } from './frames';
import { OPEN_CONNECTION_PATH } from './open-connection';
import { waitFor } from './testing';

let sim: DingtalkSimulator;
let client: DingtalkClient;
let stream: StreamClient | undefined;

afterEach(async () => {
  await stream?.stop();
  stream = undefined;
  await sim.close();
});

function startStream(received: StreamEvent[], base: string): StreamClient {
  return createStreamClient({
    apiBase: base,
    clientId: APP.appKey,
    clientSecret: APP.appSecret,
    subscriptions: [{ type: 'EVENT', topic: '*' }],
    onEvent: async (event) => {
      received.push(event);
      return 'SUCCESS';
    },
    localIp: '127.0.0.1',
    reconnect: { minMs: 20, maxMs: 100 },
    connectTimeoutMs: 2000,
    keepAliveMs: 0,
    stopDeadlineMs: 500,
  });
}

const approval = () =>
  client.createProcessInstance({
    processCode: 'PROC-SIM-CASE',
    originatorUserId: 'liuyang',
    deptId: 11,
    formComponentValues: [{ name: '事项', value: '企业开办' }],
    approvers: [{ actionType: 'NONE', userIds: ['lina'] }],
  });

describe('Stream mode on the DingTalk simulator (same port)', () => {
  it('open → ticket → WebSocket, and the bpms events of an approval arrive as EVENT frames', async () => {
    let base: string;
    ({ sim, base, client } = await startSimAndClient({ stream: { ackTimeoutMs: 500 } }));
    const received: StreamEvent[] = [];
    stream = startStream(received, base);
    await stream.start();
    await waitFor(() => sim.stream.connections().length === 1);
    const id = await approval();
    sim.decideApproval(id, { userid: 'lina', result: 'agree' });
    await waitFor(() => received.length >= 4);
    const types = received.map((e) => `${e.eventType}:${(e.data as { type?: string }).type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'bpms_instance_change:start',
        'bpms_task_change:start',
        'bpms_task_change:finish',
        'bpms_instance_change:finish',
      ]),
    );
    const published = sim.events().map((e) => e.eventId);
    expect(received.map((e) => e.eventId).every((eventId) => published.includes(eventId))).toBe(true);
    expect(received[0]).toMatchObject({ corpId: 'dingsimcorp0000000001' });
  });

  it('bad credentials get the v1.0 error shape; registration is spared by chaos', async () => {
    let base: string;
    ({ sim, base, client } = await startSimAndClient());
    sim.chaos({ errorRate: 1, seed: 3 });
    const bad = await postJson(base, OPEN_CONNECTION_PATH, {
      clientId: APP.appKey,
      clientSecret: 'wrong',
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalidClientIdOrSecret', requestid: expect.any(String) });
    const good = await postJson(base, OPEN_CONNECTION_PATH, {
      clientId: APP.appKey,
      clientSecret: APP.appSecret,
      subscriptions: [{ type: 'EVENT', topic: '*' }],
    });
    expect(good.status).toBe(200);
    expect(good.body.endpoint).toBe(`${base.replace('http', 'ws')}/connect`);
  });

  it('events published while the client is away are delivered after it reconnects; chaos duplicates keep the eventId', async () => {
    let base: string;
    ({ sim, base, client } = await startSimAndClient({
      stream: { ackTimeoutMs: 300, redelivery: { minMs: 20, maxMs: 50 } },
    }));
    const received: StreamEvent[] = [];
    stream = startStream(received, base);
    await stream.start();
    await waitFor(() => sim.stream.connections().length === 1);
    await stream.stop();
    stream = undefined;
    sim.chaos({ duplicateRate: 1, seed: 7 });
    const id = await approval();
    expect(sim.stream.pending()).toBeGreaterThan(0);
    stream = startStream(received, base);
    await stream.start();
    await waitFor(() => received.length >= 4);
    const ids = received.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(2);
    expect(received.every((e) => (e.data as { processInstanceId?: string }).processInstanceId === id)).toBe(
      true,
    );
  });
});
