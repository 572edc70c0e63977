import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  type DingtalkClient,
  type DingtalkSimulator,
} from '@gcrm/connectors/dingtalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { InboxHandlers, InboxService, inboxMigrations } from '../callbacks';
import { approvalDecisionHandler } from '../integration/dingtalk-approval';
import { IntegrationLinks, integrationMigrations } from '../integration/links';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { outboxMigrations } from '../platform/outbox/outbox';
import type { JobContext } from '../scheduler';
import { dingtalkApprovalReconcileJob } from './dingtalk-approvals';
import { driftMigrations } from './drift';

const APP = { appKey: 'dingsimappkey0003', appSecret: 'sim-dingtalk-secret-0123456789abcdef' };

// A decision taken in DingTalk whose event never reached us is applied by the reconcile run, through
// the same handler as the event; an approval cancelled in DingTalk is reported for a person.
describe(`reconcile.dingtalk.approvals (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let sim: DingtalkSimulator;
  let client: DingtalkClient;
  let links: IntegrationLinks;
  const applied: string[] = [];
  let inbox: InboxService;
  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, outboxMigrations, integrationMigrations, inboxMigrations, driftMigrations);
    sim = createDingtalkSimulator(APP);
    const base = await sim.listen(0);
    client = createDingtalkClient(
      { ...APP, apiBase: base, v1ApiBase: base, agentId: 3000000001 },
      { tokenCache: createMemoryTokenCache() },
    );
    links = new IntegrationLinks(database.db);
    const handlers = new InboxHandlers().on(
      'dingtalk',
      'bpms_task_change',
      approvalDecisionHandler({
        links,
        client,
        staffOf: async (userid) => `st-${userid}`,
        approve: async (staffId, taskId) => applied.push(`approve ${taskId} by ${staffId}`),
        reject: async (staffId, taskId) => applied.push(`reject ${taskId} by ${staffId}`),
        audit: async () => undefined,
      }),
    );
    inbox = new InboxService(database.db, handlers);
  });
  afterAll(async () => {
    await sim?.close();
    await database?.close();
    await env?.cleanup();
  });

  const ctx = (runId: string): JobContext => ({
    runId,
    signal: new AbortController().signal,
    checkpoint: null,
    reason: 'manual',
    progress: async () => undefined,
  });
  const create = async (taskId: string) => {
    const id = await client.createWorkflowInstance({
      processCode: 'PROC-TEST',
      originatorUserId: 'liuyang',
      deptId: 1,
      formComponentValues: [{ name: '任务编号', value: taskId }],
      approvers: [{ actionType: 'NONE', userIds: ['liuyang'] }],
    });
    await links.record('dingtalk.approval', id, taskId, `case-${taskId}`);
    return id;
  };

  it('applies a missed decision once and reports an approval cancelled in DingTalk', async () => {
    const missed = await create('task-a');
    const cancelled = await create('task-b');
    const waiting = await create('task-c');
    // Decided and cancelled in DingTalk; no event reaches us (no sink is registered here).
    expect(sim.decideApproval(missed, { userid: 'liuyang', result: 'agree' })).toBeUndefined();
    await client.terminateWorkflowInstance({ processInstanceId: cancelled, operatingUserId: 'liuyang' });

    const job = dingtalkApprovalReconcileJob({ db: database.db, client, links, inbox, batchSize: 2 });
    const outcome = await job.run(ctx('00000000-0000-4000-8000-000000000001'));
    expect(applied).toEqual(['approve task-a by st-liuyang']);
    expect(outcome?.counts).toMatchObject({
      checked: 3,
      'drift.approval.decision_missed': 1,
      'drift.approval.cancelled': 1,
      repaired: 1,
      needsPerson: 1,
    });
    expect((await links.byExternal('dingtalk.approval', missed))?.state).toBe('applied');
    expect((await links.byExternal('dingtalk.approval', waiting))?.state).toBe('open');

    const again = await job.run(ctx('00000000-0000-4000-8000-000000000002'));
    expect(applied).toHaveLength(1);
    expect(again?.summary).toBe('未发现差异');
  });
});
