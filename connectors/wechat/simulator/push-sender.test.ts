import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallbackCipher } from '../../core/callback-cipher';
import { type OpenedPush, openPush } from '../codec/push-codec';
import { parseSubscribeEvent } from '../codec/subscribe-events';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, postJson } from './testing';

const TOKEN = 'pushToken123';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** A tiny receiver: opens pushes with our codec, dedupes, and answers as `behaviour` says. */
function receiver(cipher?: CallbackCipher) {
  const seen = new Set<string>();
  const opened: OpenedPush[] = [];
  const state = { hangFirst: 0, duplicates: 0, errors: 0 };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (state.hangFirst > 0) {
      state.hangFirst -= 1;
      return; // never answer: the sender times out and retries
    }
    try {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const push = openPush(
        url.searchParams,
        Buffer.concat(chunks),
        req.headers['content-type'],
        cipher ? { token: TOKEN, cipher } : { token: TOKEN },
      );
      if (seen.has(push.dedupeKey)) state.duplicates += 1;
      else {
        seen.add(push.dedupeKey);
        opened.push(push);
      }
      res.end('success');
    } catch {
      state.errors += 1;
      res.statusCode = 403;
      res.end();
    }
  });
  return {
    opened,
    state,
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/push`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sim: WechatSimulator;
let base: string;
let rx: ReturnType<typeof receiver>;

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  base = await sim.listen(0);
});
afterEach(async () => {
  await sim.close();
  await rx?.close();
});

const popup = {
  FromUserName: 'o-citizen',
  Event: 'subscribe_msg_popup_event',
  List: [{ TemplateId: 'sim-tpl-case-accepted', SubscribeStatusString: 'accept', PopupScene: '0' }],
};

describe('simulated message push', () => {
  for (const mode of ['plain', 'compatible', 'safe'] as const) {
    for (const format of ['json', 'xml'] as const) {
      it(`${mode} ${format}: delivered once, decoded by the codec into a typed subscribe event`, async () => {
        const cipher =
          mode === 'plain'
            ? undefined
            : new CallbackCipher({ token: TOKEN, encodingAesKey: KEY, receiveId: APP.appId });
        rx = receiver(cipher);
        const url = await rx.listen();
        const config = { url, token: TOKEN, mode, format, ...(cipher ? { encodingAesKey: KEY } : {}) };
        expect((await postJson(base, '/__sandbox/push-config', config)).status).toBe(200);
        const { body } = await postJson(base, '/__sandbox/push', popup);
        expect(body).toMatchObject({
          delivered: true,
          attempts: [{ attempt: 1, outcome: 'success', status: 200 }],
        });
        expect(rx.opened).toHaveLength(1);
        expect(rx.opened[0]!.encrypted).toBe(mode !== 'plain');
        expect(parseSubscribeEvent(rx.opened[0]!.event)).toMatchObject({
          kind: 'popup',
          openid: 'o-citizen',
          entries: [{ templateId: 'sim-tpl-case-accepted', subscribeStatus: 'accept' }],
        });
      });
    }
  }

  it('retries when no answer comes within timeoutMs, and the receiver dedupes the copies', async () => {
    rx = receiver();
    sim.configurePush({
      url: await rx.listen(),
      token: TOKEN,
      mode: 'plain',
      format: 'json',
      timeoutMs: 150,
    });
    rx.state.hangFirst = 2;
    const result = await sim.push({ ...popup, _duplicates: 2 });
    expect(result.delivered).toBe(true);
    expect(result.attempts.map((a) => [a.outcome, a.duplicate])).toEqual([
      ['timeout', false],
      ['timeout', false],
      ['success', false],
      ['success', true],
      ['success', true],
    ]);
    expect(rx.opened).toHaveLength(1);
    expect(rx.state.duplicates).toBe(2);
    expect(sim.pushAttempts()).toHaveLength(5);
  });

  it('gives up after 1 + 3 attempts when the receiver refuses (wrong token)', async () => {
    rx = receiver();
    sim.configurePush({
      url: await rx.listen(),
      token: 'otherToken',
      mode: 'plain',
      format: 'xml',
      timeoutMs: 500,
    });
    const result = await sim.push(popup);
    expect(result.delivered).toBe(false);
    expect(result.attempts.map((a) => a.outcome)).toEqual([
      'bad-answer',
      'bad-answer',
      'bad-answer',
      'bad-answer',
    ]);
    expect(rx.state.errors).toBe(4);
  });

  it('rejects bad configurations and pushes before configuration', async () => {
    expect((await postJson(base, '/__sandbox/push', popup)).status).toBe(400);
    expect(
      (
        await postJson(base, '/__sandbox/push-config', {
          url: 'ftp://x',
          token: TOKEN,
          mode: 'plain',
          format: 'json',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await postJson(base, '/__sandbox/push-config', {
          url: 'http://x',
          token: TOKEN,
          mode: 'safe',
          format: 'json',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await postJson(base, '/__sandbox/push-config', {
          url: 'http://x',
          token: 'a',
          mode: 'plain',
          format: 'json',
        })
      ).status,
    ).toBe(400);
  });
});
