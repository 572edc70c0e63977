import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackCipher } from '../../core/callback-cipher/index';
import { type OpenedCallback, openCallback, verifyUrl } from '../callback/codec';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP, getJson, postJson } from './testing';

const TOKEN = 'QDG6eK8rLGDBiHaePKpGYsYQ';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

/** A tiny gateway stand-in: verifies, opens, dedupes; `plan` scripts its HTTP answers. */
function createReceiver() {
  const cipher = new CallbackCipher({ token: TOKEN, encodingAesKey: AES_KEY, receiveId: CORP.corpId });
  const seen = new Set<string>();
  const accepted: OpenedCallback[] = [];
  const duplicates: string[] = [];
  const plan: ({ status: number } | { delayMs: number })[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver.invalid');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        if (req.method === 'GET') {
          const echo = verifyUrl(url.searchParams, cipher);
          res.writeHead(200, { 'content-type': 'text/plain' }).end(echo);
          return;
        }
        const step = plan.shift();
        if (step && 'status' in step) {
          res.writeHead(step.status).end();
          return;
        }
        const opened = openCallback(url.searchParams, Buffer.concat(chunks).toString('utf8'), cipher);
        if (seen.has(opened.dedupeKey)) duplicates.push(opened.dedupeKey);
        else {
          seen.add(opened.dedupeKey);
          accepted.push(opened);
        }
        if (step && 'delayMs' in step) setTimeout(() => res.writeHead(200).end(), step.delayMs);
        else res.writeHead(200).end();
      } catch {
        res.writeHead(403).end();
      }
    });
  });
  return {
    accepted,
    duplicates,
    plan,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom/callback`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sim: WecomSimulator;
let receiver: ReturnType<typeof createReceiver>;
let receiverUrl: string;

beforeEach(async () => {
  sim = createWecomSimulator({ ...CORP, callbacks: { timeoutMs: 300, retryDelayMs: 10 } });
  await sim.listen(0);
  receiver = createReceiver();
  receiverUrl = await receiver.listen();
  const configured = await postJson(sim.url, '/__sandbox/callback-url', {
    url: receiverUrl,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
  expect(configured.status).toBe(200);
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe('callback sender', () => {
  it('performs the GET URL verification against the receiver', async () => {
    const { body } = await postJson(sim.url, '/__sandbox/callbacks/verify', {});
    expect(body).toMatchObject({ ok: true, status: 200, outcome: 'ok' });
    sim.setCallbackTarget({ url: receiverUrl, token: 'WrongToken1', encodingAesKey: AES_KEY });
    expect(await sim.verifyCallbackUrl()).toMatchObject({ ok: false, status: 403 });
  });

  it('pushes a template-card click and a text message that the codec opens', async () => {
    const click = await postJson(sim.url, '/__sandbox/events', {
      FromUserName: 'LiNa',
      Event: 'template_card_event',
      TaskId: 'case-42',
      EventKey: 'approve',
      CardType: 'button_interaction',
    });
    expect(click.body).toMatchObject({
      pushId: 1,
      deliveries: [{ delivery: 0, delivered: true, attempts: 1 }],
    });
    await postJson(sim.url, '/__sandbox/events', {
      FromUserName: 'LiuYang',
      MsgType: 'text',
      Content: '我要咨询',
    });
    expect(receiver.accepted.map((a) => a.event)).toEqual([
      expect.objectContaining({
        ToUserName: CORP.corpId,
        AgentID: '1000002',
        MsgType: 'event',
        Event: 'template_card_event',
        TaskId: 'case-42',
        EventKey: 'approve',
      }),
      expect.objectContaining({ MsgType: 'text', Content: '我要咨询', FromUserName: 'LiuYang' }),
    ]);
    expect(receiver.accepted[0]?.dedupeKey).toMatch(/^event:LiNa:\d+:template_card_event$/);
    expect(receiver.accepted[1]?.dedupeKey).toMatch(/^msg:\d{19}$/);
  });

  it('duplicates arrive again and are dropped by the dedupe key', async () => {
    const { body } = await postJson(sim.url, '/__sandbox/events', {
      FromUserName: 'LiNa',
      MsgType: 'text',
      Content: '重复',
      MsgId: '1234567890123456',
      duplicate: 2,
    });
    expect(body.deliveries).toHaveLength(3);
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.duplicates).toEqual(['msg:1234567890123456', 'msg:1234567890123456']);
  });

  it('retries after a 500 and after a timeout, recording each attempt', async () => {
    receiver.plan.push({ status: 500 }, { delayMs: 600 });
    const { body } = await postJson(sim.url, '/__sandbox/events', {
      FromUserName: 'LiNa',
      Event: 'click',
      EventKey: 'k',
    });
    expect(body.deliveries).toEqual([{ delivery: 0, delivered: true, attempts: 3 }]);
    const attempts = (
      await getJson(sim.url, '/__sandbox/callbacks/attempts', { pushId: String(body.pushId) })
    ).body.attempts as { attempt: number; status: number | null; outcome: string; latencyMs: number }[];
    expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, 'status'],
      [2, null, 'timeout'],
      [3, 200, 'ok'],
    ]);
    expect(attempts[1]?.latencyMs).toBeGreaterThanOrEqual(250);
    // The timed-out attempt was processed by the receiver too: the retry is a duplicate to drop.
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.duplicates).toHaveLength(1);
  });

  it('gives up after 1 + 3 attempts', async () => {
    receiver.plan.push({ status: 500 }, { status: 502 }, { status: 503 }, { status: 500 });
    const result = await sim.pushEvent({ FromUserName: 'LiNa', Event: 'click' });
    expect(result.deliveries).toEqual([{ delivery: 0, delivered: false, attempts: 4 }]);
    expect(sim.callbackAttempts(result.pushId)).toHaveLength(4);
  });

  it('delayMs with wait:false lets a later push overtake (out of order)', async () => {
    const queued = await postJson(sim.url, '/__sandbox/events', {
      FromUserName: 'LiNa',
      MsgType: 'text',
      Content: 'first',
      delayMs: 200,
      wait: false,
    });
    expect(queued.body).toEqual({ queued: true });
    await sim.pushEvent({ FromUserName: 'LiNa', MsgType: 'text', Content: 'second' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.accepted.map((a) => a.event.Content)).toEqual(['second', 'first']);
  });

  it('sandbox input is validated', async () => {
    const bad = [
      ['/__sandbox/callback-url', { url: 'ftp://x', token: TOKEN, encodingAesKey: AES_KEY }],
      ['/__sandbox/callback-url', { url: receiverUrl, token: 'bad token!', encodingAesKey: AES_KEY }],
      ['/__sandbox/callback-url', { url: receiverUrl, token: TOKEN, encodingAesKey: 'short' }],
      ['/__sandbox/events', { MsgType: 'text' }],
      ['/__sandbox/events', { FromUserName: 'LiNa' }],
      ['/__sandbox/events', { FromUserName: 'LiNa', Event: 'click', duplicate: 99 }],
      ['/__sandbox/events', { FromUserName: 'LiNa', Event: 'click', Nested: { a: 1 } }],
    ] as const;
    for (const [path, body] of bad) {
      expect((await postJson(sim.url, path, body)).status, JSON.stringify(body)).toBe(400);
    }
    const fresh = createWecomSimulator(CORP);
    await fresh.listen(0);
    expect(
      (await postJson(fresh.url, '/__sandbox/events', { FromUserName: 'a', Event: 'click' })).status,
    ).toBe(400);
    expect((await postJson(fresh.url, '/__sandbox/callbacks/verify', {})).status).toBe(400);
    await fresh.close();
  });
});
