import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWechatClient, type WechatClient } from './client';
import { WechatApiError, WechatTransportError } from './errors';
import { createWechatSimulator, type WechatSimulator } from './simulator/simulator';
import { APP } from './simulator/testing';

let sim: WechatSimulator;
let client: WechatClient;

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  const apiBase = await sim.listen(0);
  client = createWechatClient({ ...APP, apiBase, timeoutMs: 2000 }, { tokenCache: createMemoryTokenCache() });
});
afterEach(() => sim.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('client.code2Session', () => {
  it('maps the answer to camelCase, with unionid only when present', async () => {
    const plain = await client.code2Session(sim.mintLoginCode('o-1'));
    expect(plain).toEqual({ openid: 'o-1', sessionKey: expect.any(String) });
    expect(plain).not.toHaveProperty('unionid');
    expect(await client.code2Session(sim.mintLoginCode('o-2', 'u-2'))).toMatchObject({ unionid: 'u-2' });
  });

  it('throws WechatApiError for errcodes, without the code or secret in the message', async () => {
    const code = sim.mintLoginCode('o-3');
    await client.code2Session(code);
    const error = await rejection(client.code2Session(code));
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).toMatchObject({ errcode: 40163, retryable: false, path: '/sns/jscode2session' });
    expect((error as Error).message).not.toContain(code);
    expect((error as Error).message).not.toContain(APP.appSecret);
    expect(await rejection(client.code2Session('unknown'))).toMatchObject({ errcode: 40029 });
  });

  it('reports a wrong appid/secret as 40013/40125', async () => {
    const apiBase = sim.url;
    const cache = createMemoryTokenCache();
    const wrongApp = createWechatClient({ ...APP, appId: 'wx-other', apiBase }, { tokenCache: cache });
    const wrongSecret = createWechatClient({ ...APP, appSecret: 'bad', apiBase }, { tokenCache: cache });
    expect(await rejection(wrongApp.code2Session(sim.mintLoginCode('o')))).toMatchObject({ errcode: 40013 });
    expect(await rejection(wrongSecret.code2Session(sim.mintLoginCode('o')))).toMatchObject({
      errcode: 40125,
    });
  });

  it('surfaces an injected -1 as retryable, and the retry succeeds', async () => {
    sim.setFault({ path: '/sns/jscode2session', errcode: -1 });
    const code = sim.mintLoginCode('o-4');
    expect(await rejection(client.code2Session(code))).toMatchObject({ errcode: -1, retryable: true });
    expect((await client.code2Session(code)).openid).toBe('o-4');
  });

  it('turns a slow answer into a WechatTransportError after timeoutMs', async () => {
    const slow = createWechatClient(
      { ...APP, apiBase: sim.url, timeoutMs: 100 },
      { tokenCache: createMemoryTokenCache() },
    );
    sim.setFault({ path: '/sns/jscode2session', latencyMs: 1000 });
    const error = await rejection(slow.code2Session(sim.mintLoginCode('o-5')));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect(error).toMatchObject({ retryable: true, code: 'ECONNABORTED' });
  });

  it('turns a dropped connection and a non-200 status into WechatTransportError', async () => {
    sim.setFault({ path: '/sns/jscode2session', drop: true });
    const code = sim.mintLoginCode('o-6');
    expect(await rejection(client.code2Session(code))).toBeInstanceOf(WechatTransportError);
    const misrouted = createWechatClient(
      { ...APP, apiBase: `${sim.url}/wrong-prefix` },
      { tokenCache: createMemoryTokenCache() },
    );
    const error = await rejection(misrouted.code2Session(code));
    expect(error).toBeInstanceOf(WechatTransportError);
    expect(error).toMatchObject({ status: 404 });
    expect((error as Error).message).not.toContain(code);
  });
});
