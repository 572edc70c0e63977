import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { migrate } from '../platform/db/migrate';
import { createInfrastructure, type Infrastructure } from '../platform/infrastructure';
import type { JobDefinition } from './job';
import { JobRunsRepository } from './job-runs.repository';
import { parseJobsConfig } from './jobs-config';
import { Scheduler } from './scheduler';
import { schedulerMigrations } from './scheduler.migrations';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`scheduler (${dialect})`, () => {
  let env: TestEnv;
  const infras: Infrastructure[] = [];
  const schedulers: Scheduler[] = [];

  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop(2000);
    for (const i of infras.splice(0)) await i.close();
    await env?.cleanup();
  });

  /** `n` gateway instances: on MySQL each with its own pool and Redis locks; on SQLite one shared handle. */
  async function instances(n: number, jobs: Record<string, unknown>) {
    env = await createTestEnv();
    const first = createInfrastructure(env.config, env.redisPrefix);
    infras.push(first);
    await migrate(first.database.db, schedulerMigrations);
    const config = parseJobsConfig({ timezone: 'Asia/Shanghai', jobs });
    return Array.from({ length: n }, (_, i) => {
      let infra = first;
      if (i > 0 && dialect === 'mysql') {
        infra = createInfrastructure(env.config, env.redisPrefix);
        infras.push(infra);
      }
      const s = new Scheduler(new JobRunsRepository(infra.database.db), infra.locks, config, log, {
        instance: `instance-${i}`,
      });
      schedulers.push(s);
      return { scheduler: s, runs: new JobRunsRepository(infra.database.db), infra };
    });
  }

  it('runs each fire of a job on exactly one of two instances, and records every run', async () => {
    const fired: string[] = [];
    const job = (who: string): JobDefinition => ({
      name: 'test.tick',
      title: '测试',
      run: async () => {
        fired.push(who);
        await sleep(50);
        return { counts: { n: 1 } };
      },
    });
    const [a, b] = await instances(2, { 'test.tick': { schedule: '* * * * * *' } });
    a!.scheduler.register(job('a'));
    b!.scheduler.register(job('b'));
    await Promise.all([a!.scheduler.start(), b!.scheduler.start()]);
    await sleep(3400);
    await Promise.all([a!.scheduler.stop(), b!.scheduler.stop()]);
    const runs = await a!.runs.recent('test.tick', 100);
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(3);
    const ran = runs.filter((r) => r.status === 'succeeded');
    expect(ran.length).toBe(fired.length);
    // A fire elected just as the instances stopped is recorded as stopped, not left running.
    expect(runs.every((r) => r.status === 'succeeded' || r.status === 'stopped')).toBe(true);
    expect(new Set(runs.map((r) => r.slot_at)).size).toBe(runs.length);
    expect(ran.every((r) => r.counts === '{"n":1}')).toBe(true);
  });

  it('never overlaps a job with itself: a fire while a run goes on anywhere is skipped; after a dead holder its next fire runs', async () => {
    let concurrent = 0;
    let maxConcurrent = 0;
    const job: JobDefinition = {
      name: 'test.slow',
      title: '测试',
      maxRunMs: 1500,
      run: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(1300);
        concurrent--;
        return {};
      },
    };
    const [a, b] = await instances(2, { 'test.slow': { schedule: '* * * * * *' } });
    a!.scheduler.register(job);
    b!.scheduler.register({ ...job });
    // A crashed instance's lease: nobody runs until it expires, then the next fire goes ahead.
    const dead = await a!.infra.locks.tryAcquire('job:test.slow', 1200);
    expect(dead).not.toBeNull();
    await Promise.all([a!.scheduler.start(), b!.scheduler.start()]);
    await sleep(900);
    expect(await a!.runs.recent('test.slow', 10)).toEqual([]);
    await sleep(3000);
    await Promise.all([a!.scheduler.stop(3000), b!.scheduler.stop(3000)]);
    const runs = await a!.runs.recent('test.slow', 20);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(maxConcurrent).toBe(1);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i - 1]!.started_at).toBeGreaterThanOrEqual(
        runs[i]!.finished_at ?? Number.POSITIVE_INFINITY,
      );
  });

  it('runs a fire missed while every instance was down once at start, on one instance', async () => {
    const ran: string[] = [];
    const job = (who: string): JobDefinition => ({
      name: 'test.nightly',
      title: '测试',
      run: async (ctx) => {
        ran.push(`${who}:${ctx.reason}`);
        return {};
      },
    });
    const [a, b] = await instances(2, { 'test.nightly': { schedule: '0 3 * * *', catchUp: true } });
    // The last run was three days ago: at least two 03:00 fires (Asia/Shanghai) were missed.
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    await a!.runs.claim({
      id: 'earlier',
      job: 'test.nightly',
      slot_at: threeDaysAgo,
      reason: 'scheduled',
      instance: 'old',
      status: 'succeeded',
      started_at: threeDaysAgo,
    });
    a!.scheduler.register(job('a'));
    b!.scheduler.register(job('b'));
    await Promise.all([a!.scheduler.start(), b!.scheduler.start()]);
    await sleep(300);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatch(/:catch-up$/);
    const [latest] = await a!.runs.recent('test.nightly', 1);
    // The newest missed fire: 03:00 in Shanghai = 19:00 UTC.
    expect(new Date(latest!.slot_at).getUTCHours()).toBe(19);
    expect(Date.now() - latest!.slot_at).toBeLessThan(86_400_000);
  });

  it('stops a long job gracefully at its checkpoint and resumes there, never from zero', async () => {
    const processed: number[] = [];
    const job: JobDefinition = {
      name: 'test.batches',
      title: '测试',
      run: async (ctx) => {
        let next = ctx.checkpoint ? Number(ctx.checkpoint) : 0;
        while (next < 100) {
          if (ctx.signal.aborted) return { checkpoint: String(next) };
          for (let i = next; i < next + 10; i++) processed.push(i);
          next += 10;
          await ctx.progress({ counts: { done: next }, checkpoint: String(next) });
          await sleep(40);
        }
        return { counts: { done: next } };
      },
    };
    const [a] = await instances(1, { 'test.batches': { schedule: '0 0 1 1 *' } });
    a!.scheduler.register(job);
    await a!.scheduler.start();
    const started = await a!.scheduler.trigger('test.batches');
    expect(started).toMatchObject({ runId: expect.any(String) });
    expect(await a!.scheduler.trigger('test.batches')).toBe('busy');
    await sleep(130);
    await a!.scheduler.stop(2000);
    const [stopped] = await a!.runs.recent('test.batches', 1);
    expect(stopped).toMatchObject({ status: 'stopped' });
    expect(Number(stopped!.checkpoint)).toBeGreaterThan(0);

    // A fresh scheduler on the same database (a restarted gateway).
    const restarted = new Scheduler(a!.runs, a!.infra.locks, parseJobsConfig({ jobs: {} }), log, {
      instance: 'restarted',
    });
    restarted.register(job);
    schedulers.push(restarted);
    expect(await restarted.runNow('test.batches')).toEqual(expect.any(String));
    expect(processed).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const [done] = await a!.runs.recent('test.batches', 1);
    expect(done).toMatchObject({ status: 'succeeded', counts: '{"done":100}' });
  });
});
