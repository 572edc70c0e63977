import type { DingtalkHttp } from '../transport/http';
import { reader } from './parse';

// 工作通知 (platforms.md §2.5): oapi `topapi/message/corpconversation/*`, recipients are **userids**.

/** The `msg` of asyncsend_v2, in DingTalk's wire field names (they mix camelCase and snake_case). */
export type DingtalkWorkMessage =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'markdown'; markdown: { title: string; text: string } }
  | { msgtype: 'link'; link: { messageUrl: string; picUrl: string; title: string; text: string } }
  | {
      msgtype: 'oa';
      oa: {
        message_url: string;
        pc_message_url?: string;
        head: { bgcolor: string; text: string };
        body: {
          title?: string;
          content?: string;
          form?: { key: string; value: string }[];
          author?: string;
        };
      };
    }
  | {
      msgtype: 'action_card';
      action_card: {
        title: string;
        markdown: string;
        single_title?: string;
        single_url?: string;
        btn_orientation?: '0' | '1';
        btn_json_list?: { title: string; action_url: string }[];
      };
    };

/** Who receives it: userids and/or departments, or everyone. */
export interface DingtalkWorkRecipients {
  userids?: string[];
  deptIds?: number[];
  toAllUser?: boolean;
}

/** `getsendprogress`: 0 pending, 1 sending, 2 done. */
export interface DingtalkSendProgress {
  percent: number;
  status: 0 | 1 | 2;
}

/** `getsendresult` in camelCase. Same content to the same user twice a day lands in `forbiddenList`. */
export interface DingtalkSendResult {
  invalidUserIds: string[];
  forbiddenUserIds: string[];
  failedUserIds: string[];
  readUserIds: string[];
  unreadUserIds: string[];
  invalidDeptIds: number[];
  forbiddenList: { code: string; count: number; userid: string }[];
}

const PATHS = {
  send: '/topapi/message/corpconversation/asyncsend_v2',
  progress: '/topapi/message/corpconversation/getsendprogress',
  result: '/topapi/message/corpconversation/getsendresult',
  recall: '/topapi/message/corpconversation/recall',
} as const;

/** asyncsend_v2: accepted for asynchronous delivery; returns the `task_id`. */
export async function sendWorkNotification(
  http: DingtalkHttp,
  token: string,
  agentId: number,
  to: DingtalkWorkRecipients,
  msg: DingtalkWorkMessage,
): Promise<{ taskId: number }> {
  const body: Record<string, unknown> = { agent_id: agentId, msg };
  if (to.userids?.length) body.userid_list = to.userids.join(',');
  if (to.deptIds?.length) body.dept_id_list = to.deptIds.join(',');
  if (to.toAllUser) body.to_all_user = true;
  const answer = await http.post(PATHS.send, body, { access_token: token });
  return { taskId: reader(PATHS.send).number(answer.task_id, 'task_id') };
}

export async function getWorkNotificationProgress(
  http: DingtalkHttp,
  token: string,
  agentId: number,
  taskId: number,
): Promise<DingtalkSendProgress> {
  const r = reader(PATHS.progress);
  const answer = await http.post(
    PATHS.progress,
    { agent_id: agentId, task_id: taskId },
    { access_token: token },
  );
  const progress = r.object(answer.progress, 'progress');
  const status = r.number(progress.status, 'progress.status');
  return {
    percent: r.number(progress.progress_in_percent, 'progress.progress_in_percent'),
    status: status === 2 ? 2 : status === 1 ? 1 : 0,
  };
}

export async function getWorkNotificationResult(
  http: DingtalkHttp,
  token: string,
  agentId: number,
  taskId: number,
): Promise<DingtalkSendResult> {
  const r = reader(PATHS.result);
  const answer = await http.post(
    PATHS.result,
    { agent_id: agentId, task_id: taskId },
    { access_token: token },
  );
  const result = r.object(answer.send_result, 'send_result');
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const forbidden = Array.isArray(result.forbidden_list) ? result.forbidden_list : [];
  return {
    invalidUserIds: strings(result.invalid_user_id_list),
    forbiddenUserIds: strings(result.forbidden_user_id_list),
    failedUserIds: strings(result.failed_user_id_list),
    readUserIds: strings(result.read_user_id_list),
    unreadUserIds: strings(result.unread_user_id_list),
    invalidDeptIds: Array.isArray(result.invalid_dept_id_list)
      ? result.invalid_dept_id_list.filter((v): v is number => typeof v === 'number')
      : [],
    forbiddenList: forbidden.map((item) => {
      const row = r.object(item, 'forbidden_list[]');
      return {
        code: String(row.code ?? ''),
        count: typeof row.count === 'number' ? row.count : 0,
        userid: r.string(row.userid, 'forbidden_list[].userid'),
      };
    }),
  };
}

/** Take back a sent work notification. */
export async function recallWorkNotification(
  http: DingtalkHttp,
  token: string,
  agentId: number,
  taskId: number,
): Promise<void> {
  await http.post(PATHS.recall, { agent_id: agentId, msg_task_id: taskId }, { access_token: token });
}
