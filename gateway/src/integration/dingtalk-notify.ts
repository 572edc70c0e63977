import { classifyDingtalkError, type DingtalkClient } from '@gcrm/connectors/dingtalk';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import { NOTICE_TOPICS, staffOfTask, type TaskMessage, taskNotice } from './staff-channels';

interface NotifyPayload {
  userIds: string[];
  title: string;
  text: string;
  detailPath: string;
}

/**
 * Staff on DingTalk get 工作通知 for 催办, 督办, near-due and overdue tasks (a new task is already in
 * their 待办, see dingtalk-todo.ts), as an action card that opens the task page.
 */
export function dingtalkNotifyRoute(
  usersOf: (staffIds: string[]) => Promise<string[]>,
  serviceName: (code: string) => string,
): DeliveryRoute {
  return {
    name: 'dingtalk-notify',
    topics: NOTICE_TOPICS.filter((t) => t !== 'task.created'),
    plan: async (message) => {
      const m = message.payload as unknown as TaskMessage;
      if (m.kind === 'cc') return [];
      const userIds = await usersOf(staffOfTask(m));
      const notice = taskNotice(message.topic, m, serviceName(m.serviceCode));
      if (userIds.length === 0 || !notice) return [];
      const payload: NotifyPayload = { userIds, ...notice, detailPath: `/staff/tasks/${m.taskId}` };
      return [
        {
          destination: 'dingtalk.notify',
          key: `${message.topic}:${message.id}`,
          orderKey: m.caseId,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}

/** asyncsend_v2; the returned task id is kept as the reference (progress and result can be queried). */
export function dingtalkNotifySender(client: DingtalkClient, staffPagesBase: () => string): DeliverySender {
  return {
    destination: 'dingtalk.notify',
    classify: classifyDingtalkError,
    send: async (delivery) => {
      const p = delivery.payload as unknown as NotifyPayload;
      const url = `${staffPagesBase()}${p.detailPath}`;
      const { taskId } = await client.sendWorkNotification(
        { userids: p.userIds },
        {
          msgtype: 'action_card',
          action_card: {
            title: p.title,
            markdown: `### ${p.title}\n${p.text}`,
            single_title: '去办理',
            single_url: `dingtalk://dingtalkclient/page/link?url=${encodeURIComponent(url)}&pc_slide=true`,
          },
        },
      );
      return { outcome: 'delivered', reference: String(taskId) };
    },
  };
}

interface DriftMessage {
  job: string;
  runId: string;
  repaired: number;
  needsPerson: number;
  kinds: string;
}

/**
 * A reconcile run that found drift tells the 系统管理员 on DingTalk: counts per kind, what was
 * repaired, what needs a person, with a link to the drift report.
 */
export function dingtalkDriftRoute(
  admins: () => readonly string[],
  usersOf: (staffIds: string[]) => Promise<string[]>,
  jobTitle: (job: string) => string,
): DeliveryRoute {
  return {
    name: 'dingtalk-drift',
    topics: ['reconcile.drift'],
    plan: async (message) => {
      const m = message.payload as unknown as DriftMessage;
      const userIds = await usersOf([...admins()]);
      if (userIds.length === 0) return [];
      const payload: NotifyPayload = {
        userIds,
        title:
          m.needsPerson > 0
            ? `【对账】${jobTitle(m.job)}：${m.needsPerson} 项需人工处理`
            : `【对账】${jobTitle(m.job)}`,
        text: `本次对账已自动修复 ${m.repaired} 项，需人工处理 ${m.needsPerson} 项（${m.kinds}）。`,
        detailPath: `/admin/reconcile/runs/${m.runId}`,
      };
      return [
        {
          destination: 'dingtalk.notify',
          key: `drift:${m.runId}`,
          orderKey: `drift:${m.runId}`,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}
