import type { EventHub } from './events';

// OA approval instances (platforms.md §2.6): steps of approvers (AND 会签 / OR 或签 / NONE single),
// one RUNNING task per approver of the current step, bpms_* events on every change.

export type StepType = 'AND' | 'OR' | 'NONE';

interface Task {
  taskId: number;
  userid: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'TERMINATED';
  result: 'NONE' | 'AGREE' | 'REFUSE';
  createTime: number;
  finishTime: number | undefined;
}

interface Record_ {
  userid: string;
  date: number;
  type: string;
  result: string;
  remark: string;
}

export interface ApprovalInstance {
  id: string;
  processCode: string;
  title: string;
  originator: string;
  deptId: number;
  form: { name: string; value: string; extValue?: string }[];
  steps: { type: StepType; userids: string[] }[];
  step: number;
  tasks: Task[];
  status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
  result: 'agree' | 'refuse' | undefined;
  createTime: number;
  finishTime: number | undefined;
  businessId: string;
  ccList: string[];
  records: Record_[];
}

export interface ApprovalStoreOptions {
  now: () => number;
  corpId: string;
  userName(userid: string): string | undefined;
  events: EventHub;
}

/** A new instance as both API generations describe it after validation. */
export interface NewInstance {
  processCode: string;
  originator: string;
  deptId: number;
  form: { name: string; value: string; extValue?: string }[];
  steps: { type: StepType; userids: string[] }[];
  ccList: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `yyyy-MM-dd HH:mm:ss` in China time, as the old API answers. */
export function oldTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
/** `2022-08-31T11:52Z`, as the new API answers. */
export function v1Time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

export function createApprovalStore(options: ApprovalStoreOptions) {
  const { now, events } = options;
  const instances = new Map<string, ApprovalInstance>();
  let counter = 0;
  let nextTaskId = 60_000_000_001;

  const base = (i: ApprovalInstance) => ({
    processInstanceId: i.id,
    corpId: options.corpId,
    createTime: i.createTime,
    title: i.title,
    processCode: i.processCode,
    bizCategoryId: '',
    businessId: i.businessId,
  });
  const instanceEvent = (i: ApprovalInstance, type: string) => {
    const data: Record<string, unknown> = {
      ...base(i),
      type,
      staffId: i.originator,
      url: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?procInstId=${i.id}`,
    };
    if (i.finishTime !== undefined) data.finishTime = i.finishTime;
    if (type === 'finish' && i.result) data.result = i.result;
    return { eventType: 'bpms_instance_change', data };
  };
  const taskEvent = (i: ApprovalInstance, t: Task, type: string, remark?: string) => {
    const data: Record<string, unknown> = { ...base(i), type, staffId: t.userid, taskId: t.taskId };
    if (t.finishTime !== undefined) data.finishTime = t.finishTime;
    if (type === 'finish') data.result = t.result === 'AGREE' ? 'agree' : 'refuse';
    if (remark) data.remark = remark;
    return { eventType: 'bpms_task_change', data };
  };

  function openStep(i: ApprovalInstance) {
    const step = i.steps[i.step];
    if (!step) return [];
    const at = now();
    return step.userids.map((userid) => {
      const t: Task = {
        taskId: nextTaskId++,
        userid,
        status: 'RUNNING',
        result: 'NONE',
        createTime: at,
        finishTime: undefined,
      };
      i.tasks.push(t);
      return taskEvent(i, t, 'start');
    });
  }

  function cancelRunning(i: ApprovalInstance, status: 'CANCELED' | 'TERMINATED') {
    const batch = [];
    for (const t of i.tasks.filter((task) => task.status === 'RUNNING')) {
      t.status = status;
      t.finishTime = now();
      batch.push(taskEvent(i, t, 'cancel'));
    }
    return batch;
  }

  return {
    create(input: NewInstance): ApprovalInstance {
      counter += 1;
      const at = now();
      const i: ApprovalInstance = {
        ...input,
        id: `simproc-${at.toString(36)}-${counter.toString().padStart(5, '0')}`,
        title: `${options.userName(input.originator) ?? input.originator}提交的审批`,
        step: 0,
        tasks: [],
        status: 'RUNNING',
        result: undefined,
        createTime: at,
        finishTime: undefined,
        businessId: `${new Date(at).toISOString().slice(0, 10).replaceAll('-', '')}${String(counter).padStart(6, '0')}`,
        records: [
          { userid: input.originator, date: at, type: 'START_PROCESS_INSTANCE', result: 'NONE', remark: '' },
        ],
      };
      instances.set(i.id, i);
      events.emit([instanceEvent(i, 'start'), ...openStep(i)]);
      return i;
    },

    /** Sandbox: instances created so far. */
    count(): number {
      return instances.size;
    },

    get(id: string): ApprovalInstance | undefined {
      return instances.get(id);
    },

    /**
     * `userid` agrees or refuses its RUNNING task (`taskId` picks one when given). Returns an error
     * text, or undefined when done. A refusal ends the instance; the last needed agreement moves to
     * the next step or finishes it.
     */
    decide(
      id: string,
      input: { userid: string; result: 'agree' | 'refuse'; remark: string; taskId?: number },
    ) {
      const i = instances.get(id);
      if (!i) return 'instance not exist';
      if (i.status !== 'RUNNING') return 'instance is not running';
      const t = i.tasks.find(
        (task) =>
          task.status === 'RUNNING' &&
          task.userid === input.userid &&
          (input.taskId === undefined || task.taskId === input.taskId),
      );
      if (!t) return 'task not exist';
      const at = now();
      t.status = 'COMPLETED';
      t.result = input.result === 'agree' ? 'AGREE' : 'REFUSE';
      t.finishTime = at;
      i.records.push({
        userid: input.userid,
        date: at,
        type: 'EXECUTE_TASK_NORMAL',
        result: t.result,
        remark: input.remark,
      });
      const batch = [taskEvent(i, t, 'finish', input.remark)];
      const step = i.steps[i.step];
      const stepDone =
        input.result === 'refuse' ||
        step?.type !== 'AND' ||
        !i.tasks.some((task) => task.status === 'RUNNING');
      if (stepDone) {
        batch.push(...cancelRunning(i, 'CANCELED'));
        if (input.result === 'agree') i.step += 1;
        if (input.result === 'refuse' || i.step >= i.steps.length) {
          i.status = 'COMPLETED';
          i.result = input.result;
          i.finishTime = at;
          batch.push(instanceEvent(i, 'finish'));
        } else {
          batch.push(...openStep(i));
        }
      }
      events.emit(batch);
      return undefined;
    },

    terminate(id: string, input: { userid: string; remark: string }) {
      const i = instances.get(id);
      if (!i) return 'instance not exist';
      if (i.status !== 'RUNNING') return 'instance is not running';
      const batch = cancelRunning(i, 'TERMINATED');
      i.status = 'TERMINATED';
      i.finishTime = now();
      i.records.push({
        userid: input.userid,
        date: i.finishTime,
        type: 'TERMINATE_PROCESS_INSTANCE',
        result: 'NONE',
        remark: input.remark,
      });
      batch.push(instanceEvent(i, 'terminate'));
      events.emit(batch);
      return undefined;
    },
  };
}

export type ApprovalStore = ReturnType<typeof createApprovalStore>;
