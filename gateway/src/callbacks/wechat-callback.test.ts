import { plainSignature } from '@gcrm/connectors/core';
import { createWechatSimulator, type WechatSimulator } from '@gcrm/connectors/wechat';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type InboxEvent, InboxHandlers } from './inbox-handlers';
import {
  BILLION_LAUGHS,
  type Harness,
  newAesKey,
  newToken,
  rowsOf,
  startHarness,
  until,
  XXE,
} from './testing/harness';

const APP = { appId: 'wxcallbacktest0001', appSecret: 'wechat-callback-test-secret-00000' };
const token = newToken();
const aesKey = newAesKey();

const popup = (openid: string) => ({
  FromUserName: openid,
  Event: 'subscribe_msg_popup_event',
  List: [{ TemplateId: 'tpl-case-accepted', SubscribeStatusString: 'accept', PopupScene: '0' }],
});

describe(`WeChat message push (${dialect})`, () => {
  let h: Harness;
  let sim: WechatSimulator;
  const applied: InboxEvent[] = [];

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('wechat', 'subscribe_msg_popup_event', async (event) => {
      applied.push(event);
    });
    h = await startHarness({
      handlers,
      config: { wechat: { token, aesKey } },
      receiveIds: { wechat: APP.appId },
    });
    sim = createWechatSimulator(APP);
    await sim.listen(0);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.close();
  });

  const configure = (mode: string, format: string) =>
    fetch(`${sim.url}/__sandbox/push-config`, {
      method: 'POST',
      body: JSON.stringify({
        url: `${h.url}/callbacks/wechat`,
        token,
        encodingAesKey: aesKey,
        mode,
        format,
        timeoutMs: 2000,
      }),
    });
  const push = async (body: Record<string, unknown>) => {
    const res = await fetch(`${sim.url}/__sandbox/push`, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as { delivered: boolean; attempts: { outcome: string; duplicate: boolean }[] };
  };

  it('answers the GET URL check with echostr verbatim, and refuses a bad signature', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({
      signature: plainSignature(token, timestamp, 'n-get-1'),
      timestamp,
      nonce: 'n-get-1',
      echostr: '5837397749295287',
    });
    const res = await fetch(`${h.url}/callbacks/wechat?${q}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('5837397749295287');
    q.set('nonce', 'n-get-2');
    expect((await fetch(`${h.url}/callbacks/wechat?${q}`)).status).toBe(403);
  });

  for (const format of ['json', 'xml'] as const) {
    it(`safe mode (${format}): a subscribe popup is stored once and applied once`, async () => {
      expect((await configure('safe', format)).status).toBe(200);
      const openid = `o-${format}-citizen`;
      const result = await push({ ...popup(openid), _duplicates: 2 });
      expect(result.delivered).toBe(true);
      // The duplicates are the identical request (same nonce): refused as replays, never applied twice.
      expect(result.attempts.filter((a) => a.duplicate).map((a) => a.outcome)).toEqual([
        'bad-answer',
        'bad-answer',
      ]);
      await until(() => applied.some((e) => e.payload.FromUserName === openid));
      await h.inbox.drain();
      const mine = applied.filter((e) => e.payload.FromUserName === openid);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ source: 'wechat', eventType: 'subscribe_msg_popup_event' });
    });
  }

  it('refuses plaintext pushes when a key is configured (safe mode expected)', async () => {
    await configure('plain', 'json');
    const result = await push(popup('o-plain'));
    expect(result.delivered).toBe(false);
    expect(applied.some((e) => e.payload.FromUserName === 'o-plain')).toBe(false);
  });

  it('refuses XXE and billion laughs with 400', async () => {
    for (const body of [XXE, BILLION_LAUGHS]) {
      const res = await fetch(`${h.url}/callbacks/wechat?signature=x&timestamp=1&nonce=2`, {
        method: 'POST',
        body,
      });
      expect(res.status).toBe(400);
    }
    expect((await rowsOf(h, 'wechat')).every((r) => r.status === 'done')).toBe(true);
  });
});

describe(`WeChat message push, plain mode (${dialect})`, () => {
  let h: Harness;
  let sim: WechatSimulator;
  const applied: InboxEvent[] = [];

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('wechat', 'subscribe_msg_popup_event', async (event) => {
      applied.push(event);
    });
    h = await startHarness({ handlers, config: { wechat: { token } }, receiveIds: { wechat: APP.appId } });
    sim = createWechatSimulator(APP);
    await sim.listen(0);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.close();
  });

  it('stores a plaintext XML push and applies it', async () => {
    await fetch(`${sim.url}/__sandbox/push-config`, {
      method: 'POST',
      body: JSON.stringify({ url: `${h.url}/callbacks/wechat`, token, mode: 'plain', format: 'xml' }),
    });
    const res = await fetch(`${sim.url}/__sandbox/push`, {
      method: 'POST',
      body: JSON.stringify(popup('o-plain-xml')),
    });
    expect(((await res.json()) as { delivered: boolean }).delivered).toBe(true);
    await until(() => applied.length === 1);
    expect(applied[0]?.payload).toMatchObject({ FromUserName: 'o-plain-xml', MsgType: 'event' });
  });
});
