import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatorChaos, parseChaosSettings, seededRandom } from './chaos';
import { sendJson } from './http-io';
import { createSimulatorListener, type SimulatorListener } from './listener';

let listener: SimulatorListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** A tiny simulator: `/work` counts effects; `/token` is spared by default. */
async function start() {
  const timers = new Set<NodeJS.Timeout>();
  const effects: string[] = [];
  const chaos = createSimulatorChaos(
    {
      errorAnswer: () => ({ status: 200, body: { errcode: -1, errmsg: 'system busy' } }),
      sparedPaths: ['/token'],
    },
    timers,
  );
  listener = createSimulatorListener(
    'Test',
    (req, res) => {
      effects.push(req.url ?? '');
      req.resume();
      req.on('end', () => sendJson(res, 200, { errcode: 0 }));
    },
    timers,
    chaos,
  );
  const base = await listener.listen(0);
  return { base, chaos, effects };
}

async function call(url: string, init: RequestInit = {}) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(1000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch (error) {
    return { failed: (error as Error).name };
  }
}

describe('chaos settings', () => {
  it('accepts the documented shape and refuses bad input', () => {
    const s = parseChaosSettings({
      errorRate: 0.3,
      latencyMs: { min: 0, max: 200 },
      seed: 42,
      paths: ['/a'],
    });
    expect(s).toMatchObject({ errorRate: 0.3, latencyMs: { min: 0, max: 200 }, seed: 42, paths: ['/a'] });
    expect(() => parseChaosSettings({ errorRate: 2 })).toThrow('errorRate');
    expect(() => parseChaosSettings({ errorRate: 0.6, resetRate: 0.6 })).toThrow('<= 1');
    expect(() => parseChaosSettings({ latencyMs: { min: 5, max: 1 } })).toThrow('latencyMs');
    expect(() => parseChaosSettings({ bogus: 1 })).toThrow('unknown field');
  });

  it('the same seed gives the same outcomes', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    const chaos = createSimulatorChaos({ errorAnswer: () => ({ status: 500, body: {} }) }, new Set());
    chaos.set({ errorRate: 0.3, seed: 9 });
    const first = Array.from({ length: 50 }, () => chaos.decide('/x').kind);
    chaos.set({ errorRate: 0.3, seed: 9 });
    expect(Array.from({ length: 50 }, () => chaos.decide('/x').kind)).toEqual(first);
    expect(first.filter((k) => k === 'error').length).toBeGreaterThan(5);
  });
});

describe('withChaos on a listener', () => {
  it('PUT/GET/DELETE /__sandbox/chaos; errors use the platform body; sandbox and token paths are spared', async () => {
    const { base, effects } = await start();
    const put = await call(`${base}/__sandbox/chaos`, {
      method: 'PUT',
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(put).toMatchObject({ status: 200, body: { ok: true } });
    expect(await call(`${base}/work`)).toEqual({ status: 200, body: { errcode: -1, errmsg: 'system busy' } });
    expect(await call(`${base}/token`)).toEqual({ status: 200, body: { errcode: 0 } });
    expect(effects).toEqual(['/token']);
    const got = await call(`${base}/__sandbox/chaos`);
    expect(got).toMatchObject({ body: { enabled: true, counts: { requests: 1, errors: 1 } } });
    const bad = await call(`${base}/__sandbox/chaos`, {
      method: 'PUT',
      body: JSON.stringify({ errorRate: -1 }),
    });
    expect(bad).toMatchObject({ status: 400 });
    await call(`${base}/__sandbox/chaos`, { method: 'DELETE' });
    expect(await call(`${base}/work`)).toEqual({ status: 200, body: { errcode: 0 } });
  });

  it('listed paths include token paths', async () => {
    const { base, chaos } = await start();
    chaos.set({ errorRate: 1, paths: ['/token'] });
    expect((await call(`${base}/token`)) as { body: unknown }).toMatchObject({ body: { errcode: -1 } });
    expect(await call(`${base}/work`)).toMatchObject({ body: { errcode: 0 } });
  });

  it('reset destroys the socket; timeout holds then drops; lost reply does the work but answers nothing', async () => {
    const { base, chaos, effects } = await start();
    chaos.set({ resetRate: 1 });
    expect(await call(`${base}/work`)).toHaveProperty('failed');
    chaos.set({ timeoutRate: 1, timeoutHoldMs: 50 });
    expect(await call(`${base}/work`)).toHaveProperty('failed');
    expect(effects).toEqual([]);
    chaos.set({ lostReplyRate: 1 });
    expect(await call(`${base}/work`, { method: 'POST', body: '{}' })).toHaveProperty('failed');
    expect(effects).toEqual(['/work']);
  });

  it('latency delays but answers normally', async () => {
    const { base, chaos } = await start();
    chaos.set({ latencyMs: { min: 30, max: 30 } });
    const started = Date.now();
    expect(await call(`${base}/work`)).toMatchObject({ body: { errcode: 0 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(chaos.get().counts.delayed).toBe(1);
  });

  it('event delivery: duplicateRate 1 sends twice; a reorder window holds events', async () => {
    const chaos = createSimulatorChaos({ errorAnswer: () => ({ status: 500, body: {} }) }, new Set());
    chaos.set({ duplicateRate: 1 });
    const sent: number[] = [];
    chaos.deliver(() => sent.push(1));
    expect(sent).toEqual([1, 1]);
    chaos.set({ reorderWindowMs: 40, seed: 5 });
    for (let i = 0; i < 6; i += 1) chaos.deliver(() => sent.push(i + 10));
    await new Promise((r) => setTimeout(r, 80));
    expect(sent.slice(2).sort()).toEqual([10, 11, 12, 13, 14, 15]);
    expect(sent.slice(2)).not.toEqual([10, 11, 12, 13, 14, 15]);
  });
});
