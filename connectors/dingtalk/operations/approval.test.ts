import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DingtalkClient } from '../client';
import type { DingtalkSimulatorEvent } from '../simulator/events';
import type { DingtalkSimulator } from '../simulator/simulator';
import { getJson, postJson, rejection, startSimAndClient } from '../simulator/testing';
import type { DingtalkApprovalInput } from './approval';

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;
let seen: DingtalkSimulatorEvent[];

beforeEach(async () => {
  ({ sim, base, client } = await startSimAndClient());
  seen = [];
  sim.addEventSink({ publish: (event) => seen.push(event) });
});
afterEach(() => sim.close());

const form = [{ name: '申请事项', value: '生育津贴申领' }];
const input = (approvers: DingtalkApprovalInput['approvers']): DingtalkApprovalInput => ({
  processCode: 'PROC-SIM-CASE',
  originatorUserId: 'liuyang',
  deptId: 11,
  formComponentValues: form,
  approvers,
});
const kinds = () =>
  seen.map((e) => `${e.eventType}:${e.data.type}${e.data.result ? `:${e.data.result}` : ''}`);

describe('old topapi processinstance', () => {
  it('creates RUNNING with one task per approver of the first step; 或签 finishes on one agree', async () => {
    const id = await client.createProcessInstance(
      input([
        { actionType: 'OR', userIds: ['lina', 'wangfang'] },
        { actionType: 'NONE', userIds: ['zhangwei'] },
      ]),
    );
    const created = await client.getProcessInstance(id);
    expect(created).toMatchObject({
      status: 'RUNNING',
      title: '刘洋提交的审批',
      originatorUserId: 'liuyang',
    });
    expect(created.tasks.map((t) => [t.userId, t.status])).toEqual([
      ['lina', 'RUNNING'],
      ['wangfang', 'RUNNING'],
    ]);
    expect(kinds()).toEqual([
      'bpms_instance_change:start',
      'bpms_task_change:start',
      'bpms_task_change:start',
    ]);

    const decided = await postJson(base, `/__sandbox/approvals/${id}/decide`, {
      userid: 'wangfang',
      result: 'agree',
      remark: '同意',
    });
    expect(decided.status).toBe(200);
    const step2 = await client.getProcessInstance(id);
    expect(step2.tasks.map((t) => [t.userId, t.status, t.result])).toEqual([
      ['lina', 'CANCELED', 'NONE'],
      ['wangfang', 'COMPLETED', 'AGREE'],
      ['zhangwei', 'RUNNING', 'NONE'],
    ]);
    expect(sim.decideApproval(id, { userid: 'zhangwei', result: 'agree' })).toBeUndefined();
    expect(await client.getProcessInstance(id)).toMatchObject({ status: 'COMPLETED', result: 'agree' });
    expect(kinds().slice(3)).toEqual([
      'bpms_task_change:finish:agree',
      'bpms_task_change:cancel',
      'bpms_task_change:start',
      'bpms_task_change:finish:agree',
      'bpms_instance_change:finish:agree',
    ]);
    expect(seen.at(-2)?.data).toMatchObject({
      processInstanceId: id,
      staffId: 'zhangwei',
      taskId: expect.any(Number),
    });
  });

  it('会签 needs every approver; one refusal ends the instance refused', async () => {
    const id = await client.createProcessInstance(
      input([{ actionType: 'AND', userIds: ['lina', 'wangfang'] }]),
    );
    sim.decideApproval(id, { userid: 'lina', result: 'agree' });
    expect((await client.getProcessInstance(id)).status).toBe('RUNNING');
    sim.decideApproval(id, { userid: 'wangfang', result: 'refuse', remark: '材料不全' });
    expect(await client.getProcessInstance(id)).toMatchObject({ status: 'COMPLETED', result: 'refuse' });
    expect(seen.at(-2)?.data).toMatchObject({ type: 'finish', result: 'refuse', remark: '材料不全' });
    expect(sim.decideApproval(id, { userid: 'lina', result: 'agree' })).toBe('instance is not running');
  });

  it('bad requests are permanent errcodes; sandbox refuses unknown deciders', async () => {
    await expect(
      client.createProcessInstance(input([{ actionType: 'OR', userIds: ['ghost'] }])),
    ).rejects.toMatchObject({
      errcode: 400002,
      kind: 'permanent',
    });
    await expect(client.getProcessInstance('nope')).rejects.toMatchObject({ kind: 'permanent' });
    const id = await client.createProcessInstance(input([{ actionType: 'NONE', userIds: ['lina'] }]));
    expect(
      (await postJson(base, `/__sandbox/approvals/${id}/decide`, { userid: 'mayor', result: 'agree' }))
        .status,
    ).toBe(400);
    expect(
      (await postJson(base, `/__sandbox/approvals/${id}/decide`, { userid: 'lina', result: 'maybe' })).status,
    ).toBe(400);
    expect((await getJson(base, `/__sandbox/approvals/${id}`)).body).toMatchObject({
      processInstanceId: id,
      status: 'RUNNING',
    });
    expect((await getJson(base, '/__sandbox/approvals/nope')).status).toBe(400);
  });
});

describe('v1.0 workflow processInstances', () => {
  it('create, get, execute (agree) and terminate', async () => {
    const id = await client.createWorkflowInstance(
      input([
        { actionType: 'NONE', userIds: ['lina'] },
        { actionType: 'NONE', userIds: ['zhangwei'] },
      ]),
    );
    const got = await client.getWorkflowInstance(id);
    expect(got).toMatchObject({
      status: 'RUNNING',
      createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/),
    });
    const task = got.tasks[0]!;
    await client.executeWorkflowTask({
      processInstanceId: id,
      taskId: task.taskId,
      actionerUserId: 'lina',
      result: 'agree',
    });
    const after = await client.getWorkflowInstance(id);
    expect(after.tasks.map((t) => [t.userId, t.status])).toEqual([
      ['lina', 'COMPLETED'],
      ['zhangwei', 'RUNNING'],
    ]);
    const wrong = await rejection(
      client.executeWorkflowTask({
        processInstanceId: id,
        taskId: task.taskId,
        actionerUserId: 'lina',
        result: 'agree',
      }),
    );
    expect(wrong).toMatchObject({ status: 400, code: 'paramError', kind: 'permanent' });

    await client.terminateWorkflowInstance({
      processInstanceId: id,
      operatingUserId: 'liuyang',
      remark: '申请人撤回',
    });
    expect(await client.getWorkflowInstance(id)).toMatchObject({ status: 'TERMINATED' });
    expect(kinds().slice(-2)).toEqual(['bpms_task_change:cancel', 'bpms_instance_change:terminate']);
  });

  it('a 500 systemError is retryable', async () => {
    sim.setFault({ path: '/v1.0/workflow/processInstances', code: 'systemError', status: 500 });
    await expect(client.getWorkflowInstance('x')).rejects.toMatchObject({ kind: 'retryable' });
  });
});
