import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  type DingtalkClient,
  type DingtalkSimulator,
} from '@gcrm/connectors/dingtalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import type { InboxEvent } from '../callbacks';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { approvalStartHandler } from './dingtalk-approval';
import { IntegrationLinks, integrationMigrations } from './links';

const APP = { appKey: 'dingsimappkey0002', appSecret: 'sim-dingtalk-secret-0123456789abcdef' };

// DingTalk approvals have no idempotency key: a create whose answer was lost must not leave two
// approvals for one task. The instance's start event links it (so the retry creates nothing), and a
// second instance made before the link existed is terminated.
describe(`approval instances recognised by their start event (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let sim: DingtalkSimulator;
  let client: DingtalkClient;
  let links: IntegrationLinks;
  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, integrationMigrations);
    sim = createDingtalkSimulator(APP);
    const base = await sim.listen(0);
    client = createDingtalkClient(
      { ...APP, apiBase: base, v1ApiBase: base, agentId: 3000000001 },
      { tokenCache: createMemoryTokenCache() },
    );
    links = new IntegrationLinks(database.db);
  });
  afterAll(async () => {
    await sim?.close();
    await database?.close();
    await env?.cleanup();
  });

  const create = (taskId: string) =>
    client.createWorkflowInstance({
      processCode: 'PROC-TEST',
      originatorUserId: 'liuyang',
      deptId: 1,
      formComponentValues: [
        { name: '任务编号', value: taskId },
        { name: '办件编号', value: '20261127000001' },
      ],
      approvers: [{ actionType: 'NONE', userIds: ['liuyang'] }],
    });
  const started = (id: string): InboxEvent => ({
    id: `evt-${id}`,
    source: 'dingtalk',
    eventType: 'bpms_instance_change',
    dedupeKey: id,
    payload: { EventType: 'bpms_instance_change', type: 'start', processInstanceId: id },
    receivedAt: Date.now(),
    attempt: 1,
  });

  it('links an instance whose create answer was lost, and terminates a second one for the same task', async () => {
    const handle = approvalStartHandler({
      links,
      client,
      caseOfTask: async (taskId) => (taskId.startsWith('task-') ? 'case-0001' : undefined),
    });
    const first = await create('task-1');
    await handle(started(first)); // no link yet: the answer was "lost"
    expect((await links.byLocal('dingtalk.approval', 'task-1'))?.externalId).toBe(first);
    const second = await create('task-1'); // the retry before it saw the link
    await handle(started(second));
    expect((await client.getWorkflowInstance(second)).status).toBe('TERMINATED');
    expect((await client.getWorkflowInstance(first)).status).toBe('RUNNING');
    expect((await links.byLocal('dingtalk.approval', 'task-1'))?.externalId).toBe(first);
    // Someone else's approval (no 任务编号 of ours) is left alone.
    const foreign = await create('not-ours');
    await handle(started(foreign));
    expect((await client.getWorkflowInstance(foreign)).status).toBe('RUNNING');
    expect(await links.byExternal('dingtalk.approval', foreign)).toBeUndefined();
  });
});
