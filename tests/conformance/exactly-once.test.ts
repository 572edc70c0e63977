// Under chaos (errors, resets, timeouts, replies lost after the effect), retrying a create until it
// succeeds leaves exactly one effect on the platform, for every pair that promises idempotency.
import { afterEach, describe, expect, it } from 'vitest';
import { kindOf, PAIRS, type Pair } from './pairs';

let open: Pair | undefined;
afterEach(async () => {
  await open?.sim.close();
  open = undefined;
});

const KEYS = 8;

describe.each(Object.keys(PAIRS))('exactly once under chaos: %s', (name) => {
  it('every key is created once, whatever chaos did to the requests', async () => {
    const pair = await (PAIRS[name] as () => Promise<Pair>)();
    open = pair;
    if (!pair.idempotent) return; // no platform-side or connector-side dedupe to check
    await pair.call(); // token / session in place
    pair.sim.chaos({
      errorRate: 0.3,
      resetRate: 0.05,
      timeoutRate: 0.05,
      lostReplyRate: 0.2,
      timeoutHoldMs: 2000,
      latencyMs: { min: 0, max: 20 },
      seed: 20_261_127,
    });
    const keys = Array.from({ length: KEYS }, (_, i) => `once-${name}-${i}`);
    for (const key of keys) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await pair.idempotent.attempt(key);
          break;
        } catch (error) {
          expect(kindOf(error)).not.toBe('permanent');
          expect(attempt).toBeLessThan(30);
        }
      }
    }
    const { counts } = (await (await fetch(`${pair.base}/__sandbox/chaos`)).json()) as {
      counts: { errors: number; lostReplies: number };
    };
    expect(counts.errors + counts.lostReplies).toBeGreaterThan(0);
    pair.sim.chaos(null);
    expect(keys.map((key) => pair.idempotent?.created(key))).toEqual(keys.map(() => 1));
  });
});
