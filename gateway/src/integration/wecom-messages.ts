import { WecomApiError, type WecomClient } from '@gcrm/connectors/wecom';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import { NOTICE_TOPICS, staffOfTask, type TaskMessage, taskNotice } from './staff-channels';

interface WecomPayload {
  userIds: string[];
  taskId: string;
  title: string;
  text: string;
  /** Present for a new task: the card links to the task page. */
  detailPath?: string;
}

/**
 * Staff who work in WeCom hear of their tasks there: a new task as a text card that opens the task
 * page inside WeCom (where they decide it), reminders, 催办/督办 and overdue notices as text.
 */
export function wecomTaskRoute(
  usersOf: (staffIds: string[]) => Promise<string[]>,
  serviceName: (code: string) => string,
): DeliveryRoute {
  return {
    name: 'wecom-task',
    topics: NOTICE_TOPICS,
    plan: async (message) => {
      const m = message.payload as unknown as TaskMessage;
      if (m.kind === 'cc') return [];
      const userIds = await usersOf(staffOfTask(m));
      const notice = taskNotice(message.topic, m, serviceName(m.serviceCode));
      if (userIds.length === 0 || !notice) return [];
      const payload: WecomPayload = {
        userIds,
        taskId: m.taskId,
        ...notice,
        ...(message.topic === 'task.created' ? { detailPath: `/staff/tasks/${m.taskId}` } : {}),
      };
      return [
        {
          destination: 'wecom.message',
          key: `${message.topic}:${message.id}`,
          orderKey: m.caseId,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}

/**
 * Sends through WeCom `message/send`. Recipients WeCom does not know (left the corp, not in the app's
 * visibility) are reported back in `invaliduser` and kept on the delivery; when nobody is valid
 * (81013) the delivery is permanent: retrying cannot help.
 */
export function wecomMessageSender(client: WecomClient, staffPagesBase: () => string): DeliverySender {
  return {
    destination: 'wecom.message',
    classify: (error) => {
      if (error instanceof WecomApiError) {
        if (error.kind === 'rateLimited') return { kind: 'rateLimited' };
        if (error.kind === 'retryable' || error.kind === 'tokenRefetch') return { kind: 'retryable' };
        return { kind: 'permanent' };
      }
      return { kind: 'retryable' };
    },
    send: async (delivery) => {
      const p = delivery.payload as unknown as WecomPayload;
      // A resend after a lost answer carries the same content: WeCom's duplicate check drops it.
      const dedupe = { enable_duplicate_check: 1, duplicate_check_interval: 1800 } as const;
      const sent = await client.sendMessage(
        p.detailPath
          ? {
              ...dedupe,
              touser: p.userIds,
              msgtype: 'textcard',
              textcard: {
                title: p.title,
                description: p.text,
                url: `${staffPagesBase()}${p.detailPath}`,
                btntxt: '去办理',
              },
            }
          : { ...dedupe, touser: p.userIds, msgtype: 'text', text: { content: `${p.title}\n${p.text}` } },
      );
      const invalid = sent.invaliduser.length + sent.unlicenseduser.length;
      return {
        outcome: 'delivered',
        reference: invalid > 0 ? `${sent.msgid} (${invalid} 人未送达)` : sent.msgid,
      };
    },
  };
}
