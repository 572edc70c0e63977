import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { runJobToEnd } from '../support/jobs';

// The scheduled jobs of the identity issue (org sync, SM2-signed audit checkpoints) through the admin API.
describe(`scheduled jobs (${dialect})`, () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway();
    admin = await t.staffLogin('st-admin-system');
  });
  afterAll(async () => t?.stop());

  const runToEnd = (name: string) => runJobToEnd(t.url, admin, name);

  it('lists the jobs with their schedules and next fire times', async () => {
    const jobs = await call(`${t.url}/api/v1/admin/jobs`, { token: admin });
    expect(jobs.status).toBe(200);
    const byName = Object.fromEntries(jobs.body.items.map((j: { name: string }) => [j.name, j]));
    expect(byName['audit.checkpoint']).toMatchObject({
      schedule: '*/10 * * * *',
      enabled: true,
      catchUp: true,
    });
    expect(Date.parse(byName['audit.checkpoint'].nextRunAt)).toBeGreaterThan(Date.now());
    expect(byName['org.sync.dingtalk'].title).toBe('从钉钉同步组织架构');
    expect(byName['org.sync.wecom']).toBeDefined();
    expect((await call(`${t.url}/api/v1/admin/jobs/no.such/runs`, { token: admin })).status).toBe(404);
  });

  it('signs an audit checkpoint and syncs the org on demand, each run recorded with its counts', async () => {
    const checkpoint = await runToEnd('audit.checkpoint');
    expect(checkpoint).toMatchObject({ status: 'succeeded', reason: 'manual' });
    expect(checkpoint.counts.seq).toBeGreaterThan(0);
    const auditor = await t.staffLogin('st-admin-audit');
    const verification = await call(`${t.url}/api/v1/admin/audit/verification`, { token: auditor });
    expect(verification.body.ok).toBe(true);
    expect(verification.body.checkpoints).toBeGreaterThanOrEqual(1);

    const sync = await runToEnd('org.sync.dingtalk');
    expect(sync.status).toBe('succeeded');
    expect(sync.summary).toMatch(/新增人员/);
    expect(Object.keys(sync.counts)).toEqual(
      expect.arrayContaining(['staffAdded', 'staffMoved', 'staffLeft', 'departmentsAdded']),
    );
  });
});
