import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWechatClient, type WechatClient } from '../client';
import { WechatTransportError } from '../errors';
import { createWechatSimulator, type WechatSimulator } from '../simulator/simulator';
import { APP } from '../simulator/testing';
import { SubscribeMessageError, subscribeFailureKind } from '../subscribe-error';
import type { SubscribeMessage } from './send-subscribe-message';

let sim: WechatSimulator;
let client: WechatClient;

const PATH = '/cgi-bin/message/subscribe/send';
const message: SubscribeMessage = {
  touser: 'o-citizen',
  templateId: 'sim-tpl-case-closed',
  page: 'pages/case/detail?id=42',
  data: {
    thing1: '生育津贴申领',
    character_string2: 'GC-2026-000042',
    phrase3: '已办结',
    time4: '2026-11-27 16:30',
  },
};

beforeEach(async () => {
  sim = createWechatSimulator({ ...APP, subscribeDailyQuota: 2 });
  const apiBase = await sim.listen(0);
  // The citizen logged in once, so the app knows the openid.
  sim.mintLoginCode('o-citizen');
  client = createWechatClient({ ...APP, apiBase, timeoutMs: 500 }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('client.sendSubscribeMessage', () => {
  it('wraps values as {value} and returns the msgid', async () => {
    sim.addSubscription('o-citizen', message.templateId);
    const sent = await client.sendSubscribeMessage(message);
    expect(sent.msgid).toMatch(/^\d+$/);
    expect(sim.subscribeMessages('o-citizen')[0]).toMatchObject({ data: message.data, page: message.page });
  });

  it('refused: 43101 when no consent is left (fall back to SMS, do not retry)', async () => {
    const error = await failure(client.sendSubscribeMessage(message));
    expect(error).toBeInstanceOf(SubscribeMessageError);
    expect(error).toMatchObject({ errcode: 43101, kind: 'refused', retryable: false });
    expect(subscribeFailureKind(error)).toBe('refused');
  });

  it('permanent: 47003 with the offending key, 40037, 40003, 41030', async () => {
    sim.addSubscription('o-citizen', message.templateId, 5);
    const bad = await failure(
      client.sendSubscribeMessage({ ...message, data: { ...message.data, phrase3: '办理完毕了啊' } }),
    );
    expect(bad).toMatchObject({ errcode: 47003, kind: 'permanent', invalidKey: 'phrase3' });
    expect(await failure(client.sendSubscribeMessage({ ...message, templateId: 'nope' }))).toMatchObject({
      errcode: 40037,
      kind: 'permanent',
    });
    expect(await failure(client.sendSubscribeMessage({ ...message, touser: 'o-stranger' }))).toMatchObject({
      errcode: 40003,
      kind: 'permanent',
    });
    expect(await failure(client.sendSubscribeMessage({ ...message, page: 'pages/nowhere' }))).toMatchObject({
      errcode: 41030,
      kind: 'permanent',
    });
    expect((bad as Error).message).not.toContain('办理完毕');
  });

  it('rateLimited: 45009 daily quota (quotaExhausted) and 45011', async () => {
    sim.addSubscription('o-citizen', message.templateId, 5);
    sim.setFault({ path: PATH, errcode: 45011 });
    expect(await failure(client.sendSubscribeMessage(message))).toMatchObject({
      kind: 'rateLimited',
      quotaExhausted: false,
    });
    const day = 86_400_000;
    sim.advanceClock(Math.ceil((day - ((Date.now() + 8 * 3_600_000) % day)) / 1000) + 3600);
    await client.invalidateAccessToken();
    await client.sendSubscribeMessage(message);
    await client.sendSubscribeMessage(message);
    expect(await failure(client.sendSubscribeMessage(message))).toMatchObject({
      errcode: 45009,
      kind: 'rateLimited',
      quotaExhausted: true,
    });
  });

  it('retryable: -1 and a timeout (WechatTransportError)', async () => {
    sim.addSubscription('o-citizen', message.templateId, 5);
    sim.setFault({ path: PATH, errcode: -1 });
    expect(await failure(client.sendSubscribeMessage(message))).toMatchObject({
      kind: 'retryable',
      retryable: true,
    });
    sim.setFault({ path: PATH, latencyMs: 1500 });
    const slow = await failure(client.sendSubscribeMessage(message));
    expect(slow).toBeInstanceOf(WechatTransportError);
    expect(subscribeFailureKind(slow)).toBe('retryable');
    sim.clearFaults();
    expect((await client.sendSubscribeMessage(message)).msgid).toBeDefined();
  });

  it('tokenStale: refetches once on 40001, and reports tokenStale if it persists', async () => {
    sim.addSubscription('o-citizen', message.templateId, 5);
    sim.setFault({ path: PATH, errcode: 40001 });
    expect((await client.sendSubscribeMessage(message)).msgid).toBeDefined();
    sim.setFault({ path: PATH, errcode: 42001, times: 2 });
    expect(await failure(client.sendSubscribeMessage(message))).toMatchObject({
      errcode: 42001,
      kind: 'tokenStale',
    });
    expect(sim.stats().byPath[PATH]).toBe(4);
  });
});
