import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDingtalkClient, createMemoryTokenCache, type DingtalkClient } from '../client';
import { classifyDingtalkError, DingtalkApiError } from '../errors';
import type { DingtalkSimulator } from '../simulator/simulator';
import { APP, getJson, rejection, startSimAndClient } from '../simulator/testing';
import type { DingtalkWorkMessage } from './work-notification';

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;

beforeEach(async () => {
  ({ sim, base, client } = await startSimAndClient({ notificationDailyLimit: 3 }));
});
afterEach(() => sim.close());

const text = (content: string): DingtalkWorkMessage => ({ msgtype: 'text', text: { content } });

describe('工作通知 asyncsend_v2', () => {
  it('accepts at once; progress is pending until the delivery tick, then done', async () => {
    const { taskId } = await client.sendWorkNotification(
      { userids: ['lina', 'ghost'] },
      text('您有一件待办'),
    );
    expect(taskId).toBeGreaterThan(0);
    expect(await client.getWorkNotificationProgress(taskId)).toEqual({ percent: 0, status: 0 });
    sim.advanceClock(1);
    expect(await client.getWorkNotificationProgress(taskId)).toEqual({ percent: 100, status: 2 });
    expect(await client.getWorkNotificationResult(taskId)).toMatchObject({
      invalidUserIds: ['ghost'],
      unreadUserIds: ['lina'],
      forbiddenList: [],
    });
    const inbox = (await getJson(base, '/__sandbox/notifications', { userid: 'lina' })).body;
    expect(inbox.notifications).toMatchObject([{ taskId, msg: { text: { content: '您有一件待办' } } }]);
  });

  it('the same content to the same user is delivered once per day (forbidden_list); next day again', async () => {
    await client.sendWorkNotification({ userids: ['lina'] }, text('重复内容'));
    const { taskId } = await client.sendWorkNotification({ userids: ['lina', 'liuyang'] }, text('重复内容'));
    sim.advanceClock(1);
    const result = await client.getWorkNotificationResult(taskId);
    expect(result.forbiddenList).toEqual([{ code: '143106', count: 1, userid: 'lina' }]);
    expect(result.unreadUserIds).toEqual(['liuyang']);
    sim.advanceClock(86_400);
    const next = await client.sendWorkNotification({ userids: ['lina'] }, text('重复内容'));
    sim.advanceClock(1);
    expect((await client.getWorkNotificationResult(next.taskId)).unreadUserIds).toEqual(['lina']);
  });

  it('caps messages per user per day (here 3) and expands departments', async () => {
    for (const n of [1, 2, 3]) await client.sendWorkNotification({ userids: ['lina'] }, text(`第${n}条`));
    const { taskId } = await client.sendWorkNotification({ deptIds: [11, 999] }, text('第4条'));
    sim.advanceClock(1);
    const result = await client.getWorkNotificationResult(taskId);
    expect(result.forbiddenList).toEqual([{ code: '143105', count: 3, userid: 'lina' }]);
    expect(result.unreadUserIds.sort()).toEqual(['liuyang', 'wangfang']);
    expect(result.invalidDeptIds).toEqual([999]);
  });

  it('sends markdown, link, oa and action_card; a malformed message is a permanent 400002', async () => {
    const messages: DingtalkWorkMessage[] = [
      { msgtype: 'markdown', markdown: { title: '办件提醒', text: '## 请处理' } },
      {
        msgtype: 'link',
        link: { messageUrl: 'https://g/1', picUrl: '@lADOADmaWMzazQKA', title: '办件', text: '点开' },
      },
      {
        msgtype: 'oa',
        oa: {
          message_url: 'https://g/1',
          head: { bgcolor: 'FFBBBBBB', text: '办件' },
          body: { title: '待审核' },
        },
      },
      {
        msgtype: 'action_card',
        action_card: { title: '审批', markdown: '请审批', single_title: '查看', single_url: 'https://g/1' },
      },
    ];
    for (const msg of messages) {
      expect((await client.sendWorkNotification({ userids: ['zhangwei'] }, msg)).taskId).toBeGreaterThan(0);
    }
    const bad = await rejection(
      client.sendWorkNotification({ userids: ['zhangwei'] }, { msgtype: 'text', text: {} } as never),
    );
    expect(bad).toBeInstanceOf(DingtalkApiError);
    expect(classifyDingtalkError(bad)).toEqual({ kind: 'permanent' });
    expect(await rejection(client.sendWorkNotification({}, text('无人')))).toMatchObject({ errcode: 88 });
  });

  it('recall marks the message recalled in the recipient inbox', async () => {
    const { taskId } = await client.sendWorkNotification({ userids: ['mayor'] }, text('撤回我'));
    await client.recallWorkNotification(taskId);
    const inbox = (await getJson(base, '/__sandbox/notifications', { userid: 'mayor' })).body;
    expect(inbox.notifications).toMatchObject([{ taskId, recalled: true }]);
    await expect(client.recallWorkNotification(42)).rejects.toMatchObject({ errcode: 400002 });
  });

  it('flow control and busy errcodes are typed; a client without agentId refuses before calling', async () => {
    sim.setFault({ path: '/topapi/message/corpconversation/asyncsend_v2', errcode: 90018 });
    const throttled = await rejection(client.sendWorkNotification({ userids: ['lina'] }, text('x')));
    expect(classifyDingtalkError(throttled)).toEqual({ kind: 'rateLimited', retryAfterMs: 1000 });
    sim.setFault({ path: '/topapi/message/corpconversation/asyncsend_v2', errcode: -1 });
    const busy = await rejection(client.sendWorkNotification({ userids: ['lina'] }, text('x')));
    expect(classifyDingtalkError(busy)).toEqual({ kind: 'retryable' });
    const noAgent = createDingtalkClient(
      { appKey: APP.appKey, appSecret: APP.appSecret, apiBase: base },
      { tokenCache: createMemoryTokenCache() },
    );
    await expect(noAgent.sendWorkNotification({ userids: ['lina'] }, text('x'))).rejects.toThrow(TypeError);
  });
});
