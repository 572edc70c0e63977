// One contract per concern, run against every connector + simulator pair of pairs.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { kindOf, PAIRS, type Pair, rejection } from './pairs';

let open: Pair | undefined;
afterEach(async () => {
  await open?.sim.close();
  open = undefined;
});

async function start(name: string): Promise<Pair> {
  const pair = await (PAIRS[name] as () => Promise<Pair>)();
  open = pair;
  return pair;
}

describe.each(Object.keys(PAIRS))('conformance: %s', (name) => {
  it('token: fetched once, cached, and refetched after the simulator expires it', async () => {
    const pair = await start(name);
    if (!pair.token) {
      // Signed per request (Aliyun RPC, Landray Basic/SOAP header, generic OA HMAC): no token to cache.
      await pair.call();
      return;
    }
    await pair.call();
    await pair.call();
    expect(pair.token.fetches()).toBe(1);
    pair.token.expire();
    await pair.call();
    expect(pair.token.fetches()).toBe(2);
    await pair.call();
    expect(pair.token.fetches()).toBe(2);
  });

  it('error body: the documented shape of the platform', async () => {
    const pair = await start(name);
    await pair.checkErrorShape();
  });

  it('a rate-limit answer is classified rateLimited', async () => {
    const pair = await start(name);
    await pair.call(); // token / session in place
    await pair.rateLimitNext();
    expect(kindOf(await rejection(pair.call()))).toBe('rateLimited');
  });

  it('chaos errors are retryable, never permanent; sandbox control answers GET/DELETE', async () => {
    const pair = await start(name);
    await pair.call();
    const put = await fetch(`${pair.base}/__sandbox/chaos`, {
      method: 'PUT',
      body: JSON.stringify({ errorRate: 1, seed: 42 }),
    });
    expect(put.status).toBe(200);
    expect(kindOf(await rejection(pair.call()))).toBe('retryable');
    const state = (await (await fetch(`${pair.base}/__sandbox/chaos`)).json()) as {
      counts: { errors: number };
    };
    expect(state.counts.errors).toBeGreaterThanOrEqual(1);
    await fetch(`${pair.base}/__sandbox/chaos`, { method: 'DELETE' });
    await pair.call();
  });

  it('connection reset and timeout surface as retryable', async () => {
    const pair = await start(name);
    await pair.call();
    pair.sim.chaos({ resetRate: 1, seed: 1 });
    expect(kindOf(await rejection(pair.call()))).toBe('retryable');
    pair.sim.chaos({ timeoutRate: 1, timeoutHoldMs: 5000, seed: 1 });
    expect(kindOf(await rejection(pair.call()))).toBe('retryable');
    pair.sim.chaos(null);
  });

  it('recording: one effect is seen exactly once, over the sandbox and the object API', async () => {
    const pair = await start(name);
    const effect = await pair.effect();
    expect(await effect.viaSandbox()).toBe(1);
    expect(effect.viaObject()).toBe(1);
  });
});
