import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { createMemoryCache } from '../platform/cache/memory-cache';
import { InboxService } from './inbox.service';
import { inboxRetryDelay } from './inbox-backoff';
import { type InboxEvent, InboxHandlers } from './inbox-handlers';
import { InboxWorker } from './inbox-worker';
import { ReplayGuard } from './replay-guard';
import { type Harness, silentLog, startHarness } from './testing/harness';

describe(`inbox service (${dialect})`, () => {
  let h: Harness;
  let clock = 1_800_000_000_000;
  const applied: InboxEvent[] = [];
  let failEvery = false;

  beforeAll(async () => {
    const handlers = new InboxHandlers()
      .on('wecom', 'slow', async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        applied.push(event);
      })
      .on('oa:*', 'result', async (event) => {
        if (failEvery) throw new TypeError('boom');
        applied.push(event);
      });
    h = await startHarness({
      handlers,
      inbox: {
        now: () => clock,
        leaseMs: 1000,
        retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 },
      },
    });
  });
  afterAll(() => h?.close());

  it('dedupes by (source, key) only; keys longer than the column are digested', async () => {
    const long = 'x'.repeat(500);
    const a = await h.inbox.receive({ source: 'wecom', eventType: 'slow', dedupeKey: long, payload: {} });
    const b = await h.inbox.receive({
      source: 'wecom',
      eventType: 'slow',
      dedupeKey: long,
      payload: { other: 1 },
    });
    const c = await h.inbox.receive({ source: 'wechat', eventType: 'slow', dedupeKey: long, payload: {} });
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ id: a.id, duplicate: true, status: 'pending' });
    expect(c).toMatchObject({ duplicate: false, status: 'ignored' });
    expect((await h.inbox.repository.get(a.id))?.dedupe_key).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('concurrent runs of one event: exactly one claims it', async () => {
    const { id } = await h.inbox.receive({
      source: 'wecom',
      eventType: 'slow',
      dedupeKey: 'race',
      payload: {},
    });
    const outcomes = await Promise.all([h.inbox.process(id), h.inbox.process(id), h.inbox.process(id)]);
    expect(outcomes.sort()).toEqual(['done', 'skipped', 'skipped']);
    expect(applied.filter((e) => e.id === id)).toHaveLength(1);
  });

  it('a lease left by a crashed run is taken over once it expires', async () => {
    const { id } = await h.inbox.receive({
      source: 'oa:generic:hr',
      eventType: 'result',
      dedupeKey: 'crash',
      payload: {},
    });
    expect(await h.inbox.repository.claim(id, 'crashed-run', clock, 1000)).toBeDefined();
    expect(await h.inbox.process(id)).toBe('skipped');
    clock += 1001;
    expect(await h.inbox.process(id)).toBe('done');
    expect((await h.inbox.repository.get(id))?.attempts).toBe(2);
  });

  it('failures back off and end dead after maxAttempts; the worker picks due rows up', async () => {
    failEvery = true;
    const { id } = await h.inbox.receive({
      source: 'oa:seeyon',
      eventType: 'result',
      dedupeKey: 'fails',
      payload: {},
    });
    const worker = new InboxWorker(h.inbox, silentLog, { batch: 10 });
    await worker.tick();
    let row = await h.inbox.repository.get(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'TypeError' });
    await worker.tick();
    expect((await h.inbox.repository.get(id))?.attempts).toBe(1);
    clock += 200;
    await worker.tick();
    clock += 200;
    await worker.tick();
    row = await h.inbox.repository.get(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 3, last_error: 'TypeError' });
    failEvery = false;
  });

  it('retry delays grow, stay within the cap and jitter band', () => {
    const policy = { maxAttempts: 8, baseDelayMs: 5000, maxDelayMs: 3_600_000 };
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const delay = inboxRetryDelay(n, policy, () => r);
          expect(delay).toBeGreaterThanOrEqual(4000);
          expect(delay).toBeLessThanOrEqual(3_600_000 * 1.2);
        },
      ),
    );
    expect(inboxRetryDelay(2, policy, () => 0.5)).toBe(10_000);
  });
});

describe('replay guard', () => {
  const now = 1_800_000_000_000;
  it('accepts seconds and milliseconds within the window, anything with the window off', async () => {
    const guard = new ReplayGuard(
      createMemoryCache(() => now),
      300,
      () => now,
    );
    expect(guard.fresh(String(now / 1000 - 300))).toBe(true);
    expect(guard.fresh(String(now / 1000 + 301))).toBe(false);
    expect(guard.fresh(String(now - 299_000))).toBe(true);
    expect(guard.fresh(String(now - 301_000))).toBe(false);
    const off = new ReplayGuard(createMemoryCache(), 0, () => now);
    expect(off.fresh('1')).toBe(true);
    fc.assert(
      fc.property(fc.string(), (ts) => {
        expect(typeof guard.fresh(ts)).toBe('boolean');
      }),
    );
    expect(await guard.seen('wecom', 'n1')).toBe(false);
    await guard.remember('wecom', 'n1');
    expect(await guard.seen('wecom', 'n1')).toBe(true);
    expect(await guard.seen('wechat', 'n1')).toBe(false);
  });
});

describe('inbox handlers registry', () => {
  it('exact sources win over family wildcards; duplicates are refused', () => {
    const exact = async () => {};
    const family = async () => {};
    const handlers = new InboxHandlers().on('oa:weaver', 'result', exact).on('oa:*', 'result', family);
    expect(handlers.find('oa:weaver', 'result')).toBe(exact);
    expect(handlers.find('oa:generic:hr', 'result')).toBe(family);
    expect(handlers.find('wecom', 'result')).toBeUndefined();
    expect(() => handlers.on('oa:*', 'result', family)).toThrow();
    expect(new InboxService({} as never, handlers)).toBeDefined();
  });
});
