import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackCipher } from '../../core/callback-cipher/index';
import type { DingtalkClient } from '../client';
import { type DingtalkCallback, openDingtalkCallback, successReply } from '../codec/callback';
import type { DingtalkSimulator } from './simulator';
import { APP, postJson, startSimAndClient } from './testing';

/** A tiny gateway stand-in: opens every push with our codec and answers per `mode`. */
interface Receiver {
  url: string;
  received: DingtalkCallback[];
  /** How the next pushes are answered; `fail` counts down failures before answering success. */
  mode:
    | { kind: 'ok' }
    | { kind: 'fail'; remaining: number }
    | { kind: 'plain' }
    | { kind: 'slow'; ms: number };
  close(): Promise<void>;
}

const token = 'gcrm-callback-token';
const aesKey = randomBytes(32).toString('base64').slice(0, 43);

async function startReceiver(): Promise<Receiver> {
  const cipher = new CallbackCipher({ token, encodingAesKey: aesKey, receiveId: APP.appKey });
  const receiver = { received: [] as DingtalkCallback[], mode: { kind: 'ok' } } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const opened = openDingtalkCallback(
        url.searchParams,
        JSON.parse(Buffer.concat(chunks).toString()),
        cipher,
      );
      receiver.received.push(opened);
      const mode = receiver.mode;
      const reply = () => res.end(JSON.stringify(successReply(cipher, Date.now())));
      if (mode.kind === 'plain') return res.end('success');
      if (mode.kind === 'slow') return void setTimeout(reply, mode.ms);
      if (mode.kind === 'fail' && mode.remaining > 0) {
        mode.remaining -= 1;
        res.statusCode = 500;
        return res.end('oops');
      }
      reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dingtalk/callback`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;
let receiver: Receiver;

beforeEach(async () => {
  ({ sim, base, client } = await startSimAndClient({
    callback: { replyTimeoutMs: 300, retryDelaysMs: [20, 20, 20] },
  }));
  receiver = await startReceiver();
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};
const register = (extra: Record<string, unknown> = {}) =>
  postJson(base, '/__sandbox/callback-url', {
    url: receiver.url,
    token,
    aesKey,
    ownerKey: APP.appKey,
    ...extra,
  });
const approval = () =>
  client.createProcessInstance({
    processCode: 'PROC-SIM-CASE',
    originatorUserId: 'liuyang',
    deptId: 11,
    formComponentValues: [{ name: '事项', value: '企业开办' }],
    approvers: [{ actionType: 'NONE', userIds: ['lina'] }],
  });

describe('HTTP push sink', () => {
  it('check_url needs an encrypted success; then bpms events arrive flat and decryptable', async () => {
    expect((await register()).body).toEqual({ ok: true });
    expect(receiver.received[0]).toMatchObject({ eventType: 'check_url', event: { EventType: 'check_url' } });
    const id = await approval();
    await until(() => receiver.received.length === 3);
    expect(receiver.received.slice(1).map((r) => r.dedupeKey)).toEqual([
      `bpms_instance_change:${id}:start`,
      expect.stringMatching(new RegExp(`^bpms_task_change:${id}:\\d+:start$`)),
    ]);
    expect(receiver.received[1]!.event).toMatchObject({
      EventType: 'bpms_instance_change',
      processInstanceId: id,
      corpId: expect.any(String),
      staffId: 'liuyang',
    });
    await until(() => sim.callbackAttempts().length === 2);
    expect(sim.callbackAttempts().every((a) => a.ok)).toBe(true);
  });

  it('a wrong reply or a late one fails check_url with 71009 and registers nothing', async () => {
    receiver.mode = { kind: 'plain' };
    expect((await register()).body).toMatchObject({
      ok: false,
      errcode: 71009,
      reason: 'reply is not an encrypted success',
    });
    receiver.mode = { kind: 'slow', ms: 600 };
    expect((await register()).body).toMatchObject({ ok: false, errcode: 71009, reason: 'timeout' });
    receiver.mode = { kind: 'ok' };
    const before = receiver.received.length;
    await approval();
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received.length).toBe(before);
    expect((await register({ aesKey: 'short' })).status).toBe(400);
  });

  it('retries a push until it is answered with an encrypted success', async () => {
    await register();
    receiver.mode = { kind: 'fail', remaining: 2 };
    const id = await approval();
    await until(() => sim.callbackAttempts().filter((a) => a.ok).length === 2);
    const attempts = sim.callbackAttempts();
    expect(attempts.filter((a) => !a.ok).map((a) => a.reason)).toEqual(['HTTP 500', 'HTTP 500']);
    expect(Math.max(...attempts.map((a) => a.attempt))).toBeGreaterThan(1);
    const keys = receiver.received.map((r) => r.dedupeKey).filter((k) => k.includes(id));
    expect(new Set(keys).size).toBe(2); // redeliveries collapse on the dedupe key
  });

  it('test-only duplicates and reordering reach the receiver; dedupe keys make them harmless', async () => {
    await register();
    const sandboxed = await postJson(base, '/__sandbox/events/quirks', { duplicate: true, reorder: true });
    expect(sandboxed.status).toBe(200);
    const id = await approval();
    await until(() => receiver.received.length === 1 + 4);
    const types = receiver.received.slice(1).map((r) => r.eventType);
    expect(types.sort()).toEqual([
      'bpms_instance_change',
      'bpms_instance_change',
      'bpms_task_change',
      'bpms_task_change',
    ]);
    const published = sim.events();
    expect(published.map((e) => e.eventType)).toEqual([
      'bpms_task_change',
      'bpms_task_change',
      'bpms_instance_change',
      'bpms_instance_change',
    ]);
    expect(published[0]!.eventId).toBe(published[1]!.eventId);
    expect(new Set(receiver.received.slice(1).map((r) => r.dedupeKey)).size).toBe(2);
    expect(receiver.received.slice(1).every((r) => r.event.processInstanceId === id)).toBe(true);
  });
});
