import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { createTestEnv, dialect, type TestEnv } from '../../gateway/test/test-env';
import { type GatewayProcess, spawnGateway } from '../support/spawn-gateway';

// Two real gateway processes on one MySQL + Redis run the scheduled jobs: each fire of a job runs on
// exactly one of them; when the one that ran it is killed, the next fires run on the other.
describe.skipIf(dialect === 'sqlite')(`scheduled jobs across two gateway instances (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  const gateways: GatewayProcess[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcrm-jobs-'));
    const jobsFile = join(dir, 'jobs.json');
    writeFileSync(
      jobsFile,
      JSON.stringify({
        timezone: 'Asia/Shanghai',
        jobs: {
          'workflow.deadlines': { schedule: '* * * * * *', catchUp: false, maxRunSeconds: 3 },
          'reconcile.redrive': { schedule: '*/2 * * * * *', catchUp: false, maxRunSeconds: 3 },
        },
      }),
    );
    env = await createTestEnv({ LOG_LEVEL: 'warn', JOBS_FILE: jobsFile, DEMO_DATA: 'false' });
    database = createDatabase(env.config.database);
    for (let i = 0; i < 2; i++) gateways.push(await spawnGateway({ ...env.env, PORT: '0' }));
  }, 60_000);
  afterAll(async () => {
    for (const g of gateways) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    await database?.close();
    await env?.cleanup();
  });

  const runs = async () =>
    (await database.db
      .selectFrom('job_runs')
      .select(['job', 'slot_at', 'instance', 'status', 'started_at'])
      .orderBy('slot_at')
      .execute()) as {
      job: string;
      slot_at: number | string;
      instance: string;
      status: string;
      started_at: number | string;
    }[];

  it('runs every fire once, on one instance, and moves to the survivor when that one is killed', async () => {
    await new Promise((r) => setTimeout(r, 6000));
    const before = await runs();
    const deadlines = before.filter((r) => r.job === 'workflow.deadlines');
    expect(deadlines.length).toBeGreaterThanOrEqual(4);
    // Once per fire: no slot twice, and both instances took part or one won every election — either way one run per slot.
    const slots = deadlines.map((r) => Number(r.slot_at));
    expect(new Set(slots).size).toBe(slots.length);
    const redrive = before.filter((r) => r.job === 'reconcile.redrive').map((r) => Number(r.slot_at));
    expect(new Set(redrive).size).toBe(redrive.length);
    expect(redrive.every((s) => s % 2000 === 0)).toBe(true);
    const pids = gateways.map((g) => String(g.child.pid));
    const instances = new Set(before.map((r) => r.instance.split(':').pop()));
    for (const i of instances) expect(pids).toContain(i);

    // Kill the instance that ran the latest fire; the next fires run on the other one.
    const last = deadlines[deadlines.length - 1]!;
    const victim = gateways.find((g) => last.instance.endsWith(`:${g.child.pid}`))!;
    const survivor = gateways.find((g) => g !== victim)!;
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;
    await new Promise((r) => setTimeout(r, 6000));
    const after = (await runs()).filter(
      (r) => r.job === 'workflow.deadlines' && Number(r.started_at) > killedAt + 100,
    );
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((r) => r.instance.endsWith(`:${survivor.child.pid}`))).toBe(true);
    const afterSlots = after.map((r) => Number(r.slot_at));
    expect(new Set(afterSlots).size).toBe(afterSlots.length);
    // No fire was lost for long: the survivor picked up within the lease (3 s) plus a fire.
    expect(Math.min(...afterSlots) - killedAt).toBeLessThan(5000);
  }, 60_000);
});
