import type { WireResult } from './state';

// 工作通知 store (platforms.md §2.5): asyncsend_v2 accepts at once; delivery finishes `deliveryDelayMs`
// later on the simulator clock. Per user and day (Asia/Shanghai): the same content once, ≤ dailyLimit.

export interface NotificationStoreOptions {
  now: () => number;
  agentId: number;
  isUserid(userid: string): boolean;
  allUserids(): string[];
  /** Userids in a department and below; null when the department is unknown. */
  deptMemberIds(deptId: number): string[] | null;
  /** Time from send to done (progress status 2). */
  deliveryDelayMs: number;
  /** Messages per user per day (500 for internal apps). */
  dailyLimit: number;
}

/** A message as a recipient got it (sandbox read). */
export interface DeliveredNotification {
  taskId: number;
  agentId: number;
  msg: Record<string, unknown>;
  sentAt: number;
  recalled: boolean;
}

interface SendTask {
  taskId: number;
  sentAt: number;
  delivered: string[];
  invalidUsers: string[];
  invalidDepts: number[];
  forbidden: { code: string; count: number; userid: string }[];
  recalled: boolean;
}

type Body = Record<string, unknown>;

const BLANK: WireResult = { errcode: 88, subCode: '40000' };
const INVALID: WireResult = { errcode: 400002 };
/** [BG] forbidden_list codes: 143105 daily limit reached, 143106 same content already sent today. */
export const FORBIDDEN_DAILY_LIMIT = '143105';
export const FORBIDDEN_DUPLICATE = '143106';
/** userid_list ceiling of the SDK validator (platforms.md §2.5; the docs say 100 [BG]). */
const MAX_USERIDS = 5000;
const MAX_DEPTS = 500;
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Required string fields per msgtype. */
const REQUIRED: Record<string, [string, string[]]> = {
  text: ['text', ['content']],
  markdown: ['markdown', ['title', 'text']],
  link: ['link', ['messageUrl', 'picUrl', 'title', 'text']],
  oa: ['oa', ['message_url']],
  action_card: ['action_card', ['title', 'markdown']],
  image: ['image', ['media_id']],
  voice: ['voice', ['media_id']],
  file: ['file', ['media_id']],
};

function checkMsg(msg: unknown): boolean {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return false;
  const m = msg as Body;
  const spec = typeof m.msgtype === 'string' ? REQUIRED[m.msgtype] : undefined;
  if (!spec) return false;
  const part = m[spec[0]] as Body | undefined;
  if (typeof part !== 'object' || part === null) return false;
  if (!spec[1].every((key) => typeof part[key] === 'string' && part[key] !== '')) return false;
  if (m.msgtype === 'oa' && typeof (part.head as Body | undefined)?.text !== 'string') return false;
  if (m.msgtype === 'action_card') {
    const single = typeof part.single_title === 'string' && typeof part.single_url === 'string';
    if (!single && !Array.isArray(part.btn_json_list)) return false;
  }
  return true;
}

const splitList = (value: unknown): string[] | null => {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value !== 'string') return null;
  return value.split(',').filter((v) => v !== '');
};

export function createNotificationStore(options: NotificationStoreOptions) {
  const { now } = options;
  const tasks = new Map<number, SendTask>();
  const inbox = new Map<string, DeliveredNotification[]>();
  const sentToday = new Map<string, number>();
  const contentToday = new Set<string>();
  let nextTaskId = 256_271_667_526;

  const day = (at: number) => Math.floor((at + CHINA_OFFSET_MS) / DAY_MS);
  const isDone = (t: SendTask) => now() - t.sentAt >= options.deliveryDelayMs;

  function checkTask(b: Body, idField: 'task_id' | 'msg_task_id'): SendTask | { error: WireResult } {
    if (b.agent_id === undefined || b[idField] === undefined) return { error: BLANK };
    if (b.agent_id !== options.agentId) return { error: INVALID };
    return tasks.get(b[idField] as number) ?? { error: INVALID };
  }

  return {
    send(b: Body): WireResult {
      if (b.agent_id === undefined || b.msg === undefined) return BLANK;
      // [sim] platforms.md has no errcode for a wrong agent_id; 400002 (invalid parameter) stands in.
      if (b.agent_id !== options.agentId) return INVALID;
      if (!checkMsg(b.msg)) return INVALID;
      const userids = splitList(b.userid_list);
      const deptIds = splitList(b.dept_id_list);
      if (!userids || !deptIds || userids.length > MAX_USERIDS || deptIds.length > MAX_DEPTS) return INVALID;
      const toAll = b.to_all_user === true;
      if (!toAll && userids.length === 0 && deptIds.length === 0) return BLANK;

      const task: SendTask = {
        taskId: nextTaskId,
        sentAt: now(),
        delivered: [],
        invalidUsers: [],
        invalidDepts: [],
        forbidden: [],
        recalled: false,
      };
      nextTaskId += 1;
      const targets = new Set<string>();
      for (const id of userids) options.isUserid(id) ? targets.add(id) : task.invalidUsers.push(id);
      for (const raw of deptIds) {
        const members = /^\d{1,15}$/.test(raw) ? options.deptMemberIds(Number(raw)) : null;
        if (members) for (const id of members) targets.add(id);
        else task.invalidDepts.push(Number(raw));
      }
      if (toAll) for (const id of options.allUserids()) targets.add(id);

      const today = day(task.sentAt);
      const content = JSON.stringify(b.msg);
      for (const userid of targets) {
        const countKey = `${today}|${userid}`;
        const contentKey = `${countKey}|${content}`;
        if (contentToday.has(contentKey)) {
          task.forbidden.push({ code: FORBIDDEN_DUPLICATE, count: 1, userid });
          continue;
        }
        const count = sentToday.get(countKey) ?? 0;
        if (count >= options.dailyLimit) {
          task.forbidden.push({ code: FORBIDDEN_DAILY_LIMIT, count: count, userid });
          continue;
        }
        sentToday.set(countKey, count + 1);
        contentToday.add(contentKey);
        task.delivered.push(userid);
        const list = inbox.get(userid) ?? [];
        list.push({
          taskId: task.taskId,
          agentId: options.agentId,
          msg: structuredClone(b.msg as Body),
          sentAt: task.sentAt,
          recalled: false,
        });
        inbox.set(userid, list);
      }
      tasks.set(task.taskId, task);
      return { body: { task_id: task.taskId } };
    },

    progress(b: Body): WireResult {
      const task = checkTask(b, 'task_id');
      if ('error' in task) return task.error;
      const done = isDone(task);
      return { body: { progress: { progress_in_percent: done ? 100 : 0, status: done ? 2 : 0 } } };
    },

    result(b: Body): WireResult {
      const task = checkTask(b, 'task_id');
      if ('error' in task) return task.error;
      const done = isDone(task);
      return {
        body: {
          send_result: {
            invalid_user_id_list: task.invalidUsers,
            forbidden_user_id_list: [],
            failed_user_id_list: [],
            read_user_id_list: [],
            unread_user_id_list: done ? task.delivered : [],
            invalid_dept_id_list: task.invalidDepts,
            forbidden_list: done ? task.forbidden : [],
          },
        },
      };
    },

    recall(b: Body): WireResult {
      const task = checkTask(b, 'msg_task_id');
      if ('error' in task) return task.error;
      task.recalled = true;
      for (const userid of task.delivered) {
        for (const message of inbox.get(userid) ?? [])
          if (message.taskId === task.taskId) message.recalled = true;
      }
      return { body: {} };
    },

    /** Sandbox: what `userid` received, oldest first. */
    /** Sandbox: send tasks accepted so far. */
    count(): number {
      return tasks.size;
    },

    inboxOf(userid: string): DeliveredNotification[] {
      return structuredClone(inbox.get(userid) ?? []);
    },
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
