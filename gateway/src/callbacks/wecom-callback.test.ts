import { buildXml, CallbackCipher } from '@gcrm/connectors/core';
import { createWecomSimulator, type WecomSimulator } from '@gcrm/connectors/wecom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type InboxEvent, InboxHandlers } from './inbox-handlers';
import {
  BILLION_LAUGHS,
  type Harness,
  newAesKey,
  newToken,
  oversize,
  rowsOf,
  startHarness,
  until,
  XXE,
} from './testing/harness';

const CORP = { corpId: 'wwcallbacktest0001', corpSecret: 'wecom-callback-test-secret-000000' };
const token = newToken();
const aesKey = newAesKey();
const cipher = new CallbackCipher({ token, encodingAesKey: aesKey, receiveId: CORP.corpId });

/** A WeCom-style POST crafted by hand (for what the simulator cannot be made to send). */
function craft(fields: Record<string, string | number>, at: { timestamp: string; nonce: string }) {
  const inner = buildXml({ ToUserName: CORP.corpId, AgentID: 1000002, ...fields });
  const { encrypted, signature } = cipher.seal(inner, at.timestamp, at.nonce);
  const query = new URLSearchParams({ msg_signature: signature, timestamp: at.timestamp, nonce: at.nonce });
  return { query, body: buildXml({ ToUserName: CORP.corpId, AgentID: '1000002', Encrypt: encrypted }) };
}

const post = (h: Harness, query: URLSearchParams, body: string) =>
  fetch(`${h.url}/callbacks/wecom?${query}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml' },
  });
const nowS = () => String(Math.floor(Date.now() / 1000));
let seq = 0;
const nonce = () => `n${Date.now()}${seq++}`;

describe(`WeCom callbacks (${dialect})`, () => {
  let h: Harness;
  let sim: WecomSimulator;
  const applied: InboxEvent[] = [];

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('wecom', 'template_card_event', async (event) => {
      applied.push(event);
    });
    h = await startHarness({
      handlers,
      config: { wecom: { token, aesKey } },
      receiveIds: { wecom: CORP.corpId },
    });
    sim = createWecomSimulator({ ...CORP, callbacks: { timeoutMs: 2000, retryDelayMs: 10 } });
    await sim.listen(0);
    const res = await fetch(`${sim.url}/__sandbox/callback-url`, {
      method: 'POST',
      body: JSON.stringify({ url: `${h.url}/callbacks/wecom`, token, encodingAesKey: aesKey }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.close();
  });

  it('answers the URL verification with the decrypted echostr within 1 s', async () => {
    const res = await fetch(`${sim.url}/__sandbox/callbacks/verify`, { method: 'POST', body: '{}' });
    const body = (await res.json()) as { ok: boolean; latencyMs: number };
    expect(body.ok).toBe(true);
    expect(body.latencyMs).toBeLessThan(1000);
    expect(await rowsOf(h, 'wecom')).toHaveLength(0);
  });

  it('stores an event once although it is delivered three times, and applies it once', async () => {
    const res = await fetch(`${sim.url}/__sandbox/events`, {
      method: 'POST',
      body: JSON.stringify({
        FromUserName: 'lina',
        Event: 'template_card_event',
        EventKey: 'agree',
        TaskId: 'task-1',
        duplicate: 2,
      }),
    });
    const result = (await res.json()) as { deliveries: { delivered: boolean; attempts: number }[] };
    expect(result.deliveries).toEqual([
      { delivery: 0, delivered: true, attempts: 1 },
      { delivery: 1, delivered: true, attempts: 1 },
      { delivery: 2, delivered: true, attempts: 1 },
    ]);
    await until(() => applied.length === 1);
    await h.inbox.drain();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({
      source: 'wecom',
      eventType: 'template_card_event',
      payload: { FromUserName: 'lina', EventKey: 'agree', TaskId: 'task-1', MsgType: 'event' },
    });
    const rows = await rowsOf(h, 'wecom');
    expect(rows.map((r) => r.status)).toEqual(['done']);
  });

  it('a message type without a handler is stored as ignored and acknowledged', async () => {
    const res = await fetch(`${sim.url}/__sandbox/events`, {
      method: 'POST',
      body: JSON.stringify({ FromUserName: 'lina', MsgType: 'text', Content: '你好' }),
    });
    expect(((await res.json()) as { deliveries: { delivered: boolean }[] }).deliveries[0]?.delivered).toBe(
      true,
    );
    const rows = await rowsOf(h, 'wecom');
    expect(rows.find((r) => r.event_type === 'text')?.status).toBe('ignored');
  });

  it('refuses a bad signature (403), a stale timestamp (403) and a reused nonce (403)', async () => {
    const fields = { FromUserName: 'wang', CreateTime: 1, MsgType: 'event', Event: 'template_card_event' };
    const good = craft({ ...fields, CreateTime: 11 }, { timestamp: nowS(), nonce: nonce() });
    const forged = new URLSearchParams(good.query);
    forged.set('msg_signature', '0'.repeat(40));
    expect((await post(h, forged, good.body)).status).toBe(403);

    const stale = craft(
      { ...fields, CreateTime: 12 },
      {
        timestamp: String(Math.floor(Date.now() / 1000) - 301),
        nonce: nonce(),
      },
    );
    expect((await post(h, stale.query, stale.body)).status).toBe(403);

    const first = await post(h, good.query, good.body);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    const replay = await post(h, good.query, good.body);
    expect(replay.status).toBe(403);
    expect(await replay.text()).toBe('签名校验失败');
    const sameNonce = craft(
      { ...fields, CreateTime: 13 },
      {
        timestamp: good.query.get('timestamp')!,
        nonce: good.query.get('nonce')!,
      },
    );
    expect((await post(h, sameNonce.query, sameNonce.body)).status).toBe(403);
    expect((await rowsOf(h, 'wecom')).filter((r) => r.dedupe_key.startsWith('event:wang:'))).toHaveLength(1);
  });

  it('refuses missing parameters and undecryptable bodies with 400, URL checks with bad echostr too', async () => {
    expect(
      (
        await post(
          h,
          new URLSearchParams(),
          craft({ MsgType: 'text' }, { timestamp: nowS(), nonce: nonce() }).body,
        )
      ).status,
    ).toBe(400);
    const ts = nowS();
    const n = nonce();
    const garbage = 'A'.repeat(44);
    const q = new URLSearchParams({
      msg_signature: cipher.signature(ts, n, garbage),
      timestamp: ts,
      nonce: n,
    });
    expect((await post(h, q, buildXml({ Encrypt: garbage }))).status).toBe(400);
    const echo = new URLSearchParams({
      msg_signature: cipher.signature(ts, `${n}x`, garbage),
      timestamp: ts,
      nonce: `${n}x`,
      echostr: garbage,
    });
    expect((await fetch(`${h.url}/callbacks/wecom?${echo}`)).status).toBe(400);
  });

  it('refuses XXE and billion-laughs bodies with 400 before any parsing, fast', async () => {
    for (const body of [XXE, BILLION_LAUGHS]) {
      const started = performance.now();
      const res = await post(
        h,
        new URLSearchParams({ msg_signature: 'x', timestamp: nowS(), nonce: nonce() }),
        body,
      );
      expect(res.status).toBe(400);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('refuses an oversize body with 413, announced or streamed', async () => {
    const big = oversize(70 * 1024);
    expect((await post(h, new URLSearchParams(), big)).status).toBe(413);
    const chunked = await fetch(`${h.url}/callbacks/wecom`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    const res = await fetch(`${h.url}/callbacks/wecom`, { method: 'PUT', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});

describe(`WeCom callbacks with CALLBACK_MAX_SKEW_S=0 (${dialect})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: { wecom: { token, aesKey }, maxSkewSeconds: 0 },
      receiveIds: { wecom: CORP.corpId },
    });
  });
  afterAll(() => h?.close());

  it('accepts an old timestamp but still checks the signature and the nonce', async () => {
    const old = craft(
      { FromUserName: 'zhao', CreateTime: 5, MsgType: 'event', Event: 'x' },
      { timestamp: '1000', nonce: nonce() },
    );
    expect((await post(h, old.query, old.body)).status).toBe(200);
    expect((await post(h, old.query, old.body)).status).toBe(403);
    const forged = craft(
      { FromUserName: 'zhao', CreateTime: 6, MsgType: 'event', Event: 'x' },
      { timestamp: '1000', nonce: nonce() },
    );
    forged.query.set('msg_signature', cipher.signature('1001', forged.query.get('nonce')!, 'AAAA'));
    expect((await post(h, forged.query, forged.body)).status).toBe(403);
  });
});
