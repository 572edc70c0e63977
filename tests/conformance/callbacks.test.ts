// Callbacks every simulator pushes: they open with our codec (signature, decryption), a chaos duplicate
// carries the same event identity, and a push the receiver did not acknowledge is retried.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackCipher } from '@gcrm/connectors/core';
import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  openDingtalkCallback,
  successReply,
} from '@gcrm/connectors/dingtalk';
import {
  createGenericOaConnector,
  createGenericOaSimulator,
  verifyGenericOaCallback,
} from '@gcrm/connectors/oa';
import { createWechatSimulator, openPush } from '@gcrm/connectors/wechat';
import { createWecomSimulator, openCallback } from '@gcrm/connectors/wecom';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCase } from '../../connectors/oa/testing';

interface Received {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver standing in for the gateway: `answer` decides each reply; everything is recorded. */
async function startReceiver(answer: (r: Received, n: number) => { status: number; body: string }) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        query: new URL(req.url ?? '/', 'http://x').searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      const reply = answer(r, received.length);
      res.writeHead(reply.status, { 'content-type': 'text/plain' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { url, received };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

const TOKEN = 'gcrmCallbackToken01';
const aesKey = () =>
  randomBytes(32)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'A')
    .slice(0, 43);

describe('callback conformance', () => {
  it('dingtalk HTTP push: opens with our codec; a chaos duplicate has the same dedupe key; unacknowledged pushes are retried', async () => {
    const app = {
      appKey: 'dingsimappkey0001',
      appSecret: 'sim-dingtalk-secret-0123456789abcdef',
      agentId: 3_000_000_001,
    };
    const sim = createDingtalkSimulator({
      ...app,
      callback: { replyTimeoutMs: 300, retryDelaysMs: [20, 20, 20] },
    });
    cleanups.push(() => sim.close());
    const base = await sim.listen(0);
    const key = aesKey();
    const cipher = new CallbackCipher({ token: TOKEN, encodingAesKey: key, receiveId: app.appKey });
    const keys: string[] = [];
    const receiver = await startReceiver((r, n) => {
      const opened = openDingtalkCallback(r.query, JSON.parse(r.body), cipher);
      keys.push(opened.dedupeKey);
      if (n === 2) return { status: 500, body: 'busy' };
      return { status: 200, body: JSON.stringify(successReply(cipher, Date.now())) };
    });
    expect(
      await sim.registerCallbackUrl({ url: receiver.url, token: TOKEN, aesKey: key, ownerKey: app.appKey }),
    ).toEqual({
      ok: true,
    });
    sim.chaos({ duplicateRate: 1, seed: 11 });
    const client = createDingtalkClient(
      { ...app, apiBase: base, v1ApiBase: base, timeoutMs: 2000 },
      { tokenCache: createMemoryTokenCache() },
    );
    const id = await client.createProcessInstance({
      processCode: 'PROC-SIM-CASE',
      originatorUserId: 'liuyang',
      deptId: 11,
      formComponentValues: [{ name: '事项', value: '企业开办' }],
      approvers: [{ actionType: 'NONE', userIds: ['lina'] }],
    });
    // check_url + 2 events × 2 copies + 1 retry of the refused one.
    await until(() => sim.callbackAttempts().filter((a) => a.ok).length === 4);
    const events = keys.slice(1);
    expect(new Set(events).size).toBe(2);
    expect(events.every((k) => k.includes(id))).toBe(true);
    expect(events.filter((k) => k === `bpms_instance_change:${id}:start`).length).toBeGreaterThanOrEqual(2);
    expect(sim.callbackAttempts().some((a) => !a.ok && a.reason === 'HTTP 500')).toBe(true);
  });

  it('wecom: opens with our codec; duplicate has the same dedupe key; retried until acknowledged', async () => {
    const corp = { corpId: 'wwsimcorp0123456789', corpSecret: 'sim-wecom-secret-0123456789abcdefghijklmno' };
    const sim = createWecomSimulator({ ...corp, callbacks: { timeoutMs: 300, retryDelayMs: 10 } });
    cleanups.push(() => sim.close());
    await sim.listen(0);
    const key = aesKey();
    const cipher = new CallbackCipher({ token: TOKEN, encodingAesKey: key, receiveId: corp.corpId });
    const keys: string[] = [];
    const receiver = await startReceiver((r, n) => {
      keys.push(openCallback(r.query, r.body, cipher).dedupeKey);
      return n === 1 ? { status: 500, body: '' } : { status: 200, body: '' };
    });
    sim.setCallbackTarget({ url: receiver.url, token: TOKEN, encodingAesKey: key });
    sim.chaos({ duplicateRate: 1, seed: 3 });
    const result = await sim.pushEvent({
      FromUserName: 'LiNa',
      MsgType: 'event',
      Event: 'click',
      EventKey: 'K1',
    });
    expect(result.deliveries.map((d) => d.delivered)).toEqual([true, true]);
    expect(keys.length).toBe(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('wechat safe mode: opens with our codec; duplicate has the same dedupe key; retried until acknowledged', async () => {
    const app = { appId: 'wx0123456789abcdef', appSecret: 'sim-secret-0123456789abcdef01234567' };
    const sim = createWechatSimulator(app);
    cleanups.push(() => sim.close());
    await sim.listen(0);
    const key = aesKey();
    const cipher = new CallbackCipher({ token: TOKEN, encodingAesKey: key, receiveId: app.appId });
    const keys: string[] = [];
    const receiver = await startReceiver((r, n) => {
      keys.push(openPush(r.query, r.body, r.headers['content-type'], { token: TOKEN, cipher }).dedupeKey);
      return n === 1 ? { status: 500, body: '' } : { status: 200, body: 'success' };
    });
    sim.configurePush({
      url: receiver.url,
      token: TOKEN,
      encodingAesKey: key,
      mode: 'safe',
      format: 'json',
      timeoutMs: 300,
      maxRetries: 3,
    });
    sim.chaos({ duplicateRate: 1, seed: 3 });
    const result = await sim.push({
      FromUserName: 'o-citizen',
      CreateTime: 1_790_000_000,
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
    });
    expect(result.delivered).toBe(true);
    expect(keys.length).toBe(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('generic OA: result callbacks carry a valid signature; a duplicate names the same document and state', async () => {
    const secret = 's3cret-key';
    const sim = createGenericOaSimulator({ secret, callbackBackoffMs: 10 });
    cleanups.push(() => sim.close());
    const base = await sim.listen(0);
    const bodies: string[] = [];
    const receiver = await startReceiver((r, n) => {
      expect(verifyGenericOaCallback(r.headers, r.body, secret, Date.now()).valid).toBe(true);
      bodies.push(r.body);
      return n === 1 ? { status: 503, body: '' } : { status: 204, body: '' };
    });
    sim.setCallbackUrl(receiver.url);
    sim.chaos({ duplicateRate: 1, seed: 3 });
    const oa = createGenericOaConnector({ name: 'inhouse', baseUrl: base, secret, timeoutMs: 2000 });
    const { externalId } = await oa.push(sampleCase());
    sim.decide(externalId, { result: 'approved', opinion: '同意' });
    await sim.callbacksSettled();
    expect(bodies.length).toBe(3);
    const identities = bodies.map((b) => {
      const parsed = JSON.parse(b) as { externalId: string; state: string };
      return `${parsed.externalId}:${parsed.state}`;
    });
    expect(new Set(identities)).toEqual(new Set([`${externalId}:approved`]));
    expect(sim.deliveries().map((d) => d.status)).toEqual(expect.arrayContaining([503, 204]));
  });
});
