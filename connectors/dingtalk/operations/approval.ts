import type { DingtalkHttp } from '../transport/http';
import type { DingtalkV1Http } from '../transport/v1-http';
import { reader } from './parse';

// OA approval (审批, platforms.md §2.6): the old `topapi/processinstance/*` and the new
// `v1.0/workflow/processInstances*`. Both take **userids**. Events (bpms_*) come in through the codec.

export type DingtalkApprovalStatus = 'NEW' | 'RUNNING' | 'TERMINATED' | 'COMPLETED' | 'CANCELED';

/** One step of approvers: 会签 AND (all), 或签 OR (any one), NONE (a single approver). */
export interface DingtalkApproverStep {
  actionType: 'AND' | 'OR' | 'NONE';
  userIds: string[];
}

export interface DingtalkApprovalInput {
  processCode: string;
  originatorUserId: string;
  deptId: number;
  /** ≤ 150 form fields. */
  formComponentValues: { name: string; value: string; extValue?: string }[];
  /** Steps in order; absent = the process's own approvers. */
  approvers?: DingtalkApproverStep[];
  ccList?: string[];
  ccPosition?: 'START' | 'FINISH' | 'START_FINISH';
}

export interface DingtalkApprovalTask {
  /** Numeric on the wire; kept as a string so large ids survive. */
  taskId: string;
  userId: string;
  /** NEW, RUNNING, PAUSED, CANCELED, COMPLETED, TERMINATED. */
  status: string;
  /** AGREE, REFUSE, REDIRECTED (NONE while open on the new API). */
  result?: string;
  createTime?: string;
  finishTime?: string;
}

/** An approval instance, the same shape from either generation. */
export interface DingtalkApprovalInstance {
  processInstanceId: string;
  title: string;
  status: DingtalkApprovalStatus;
  /** `agree` / `refuse` once finished. */
  result?: string;
  businessId?: string;
  originatorUserId: string;
  /** The form as filled in (name → value), when the answer carries it. */
  formComponentValues?: { name: string; value: string }[];
  createTime?: string;
  finishTime?: string;
  tasks: DingtalkApprovalTask[];
}

const OLD = { create: '/topapi/processinstance/create', get: '/topapi/processinstance/get' } as const;
const V1 = {
  instances: '/v1.0/workflow/processInstances',
  execute: '/v1.0/workflow/processInstances/execute',
  terminate: '/v1.0/workflow/processInstances/terminate',
} as const;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const idText = (value: unknown) =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;

/** `topapi/processinstance/create` → `process_instance_id`. */
export async function createProcessInstance(
  http: DingtalkHttp,
  token: string,
  agentId: number,
  input: DingtalkApprovalInput,
): Promise<string> {
  const body: Record<string, unknown> = {
    agent_id: agentId,
    process_code: input.processCode,
    originator_user_id: input.originatorUserId,
    dept_id: input.deptId,
    form_component_values: input.formComponentValues.map((field) => ({
      name: field.name,
      value: field.value,
      ...(field.extValue === undefined ? {} : { ext_value: field.extValue }),
    })),
  };
  if (input.approvers) {
    body.approvers_v2 = input.approvers.map((step) => ({
      task_action_type: step.actionType,
      user_ids: step.userIds,
    }));
  }
  if (input.ccList?.length) {
    body.cc_list = input.ccList.join(',');
    body.cc_position = input.ccPosition ?? 'FINISH';
  }
  const answer = await http.post(OLD.create, body, { access_token: token });
  return reader(OLD.create).string(answer.process_instance_id, 'process_instance_id');
}

/** `topapi/processinstance/get`, snake_case mapped to {@link DingtalkApprovalInstance}. */
export async function getProcessInstance(
  http: DingtalkHttp,
  token: string,
  processInstanceId: string,
): Promise<DingtalkApprovalInstance> {
  const r = reader(OLD.get);
  const answer = await http.post(
    OLD.get,
    { process_instance_id: processInstanceId },
    { access_token: token },
  );
  const row = r.object(answer.process_instance, 'process_instance');
  const tasks = (Array.isArray(row.tasks) ? row.tasks : []).map((item) => {
    const t = r.object(item, 'tasks[]');
    return task(idText(t.taskid), t.userid, t.task_status, t.task_result, t.create_time, t.finish_time, r);
  });
  return instance(processInstanceId, row, tasks, r, {
    originator: row.originator_userid,
    businessId: row.business_id,
    createTime: row.create_time,
    finishTime: row.finish_time,
  });
}

/** `POST /v1.0/workflow/processInstances` → `instanceId`. */
export async function createWorkflowInstance(
  http: DingtalkV1Http,
  token: string,
  input: DingtalkApprovalInput & { microappAgentId?: number; bizDetailPageUrl?: string },
): Promise<string> {
  const body: Record<string, unknown> = {
    processCode: input.processCode,
    originatorUserId: input.originatorUserId,
    deptId: input.deptId,
    formComponentValues: input.formComponentValues,
  };
  if (input.microappAgentId !== undefined) body.microappAgentId = input.microappAgentId;
  if (input.approvers) body.approvers = input.approvers;
  if (input.ccList?.length) {
    body.ccList = input.ccList;
    body.ccPosition = input.ccPosition ?? 'FINISH';
  }
  if (input.bizDetailPageUrl) body.bizDetailPageUrl = input.bizDetailPageUrl;
  const answer = await http.request({ method: 'POST', path: V1.instances, token, body });
  return reader(V1.instances).string(answer.instanceId, 'instanceId');
}

/** `GET /v1.0/workflow/processInstances?processInstanceId=`. */
export async function getWorkflowInstance(
  http: DingtalkV1Http,
  token: string,
  processInstanceId: string,
): Promise<DingtalkApprovalInstance> {
  const r = reader(V1.instances);
  const answer = await http.request({
    method: 'GET',
    path: V1.instances,
    token,
    query: { processInstanceId },
  });
  const row = r.object(answer.result, 'result');
  const tasks = (Array.isArray(row.tasks) ? row.tasks : []).map((item) => {
    const t = r.object(item, 'tasks[]');
    return task(idText(t.taskId), t.userId, t.status, t.result, t.createTime, t.finishTime, r);
  });
  return instance(processInstanceId, row, tasks, r, {
    originator: row.originatorUserId,
    businessId: row.businessId,
    createTime: row.createTime,
    finishTime: row.finishTime,
  });
}

/** Agree or refuse a task on behalf of its approver. */
export async function executeWorkflowTask(
  http: DingtalkV1Http,
  token: string,
  input: {
    processInstanceId: string;
    taskId: string;
    actionerUserId: string;
    result: 'agree' | 'refuse';
    remark?: string;
  },
): Promise<void> {
  await http.request({
    method: 'POST',
    path: V1.execute,
    token,
    body: { ...input, taskId: Number(input.taskId), remark: input.remark ?? '' },
  });
}

/** Stop a running instance (撤销/终止). */
export async function terminateWorkflowInstance(
  http: DingtalkV1Http,
  token: string,
  input: { processInstanceId: string; operatingUserId: string; remark?: string; isSystem?: boolean },
): Promise<void> {
  await http.request({
    method: 'POST',
    path: V1.terminate,
    token,
    body: { isSystem: false, remark: '', ...input },
  });
}

type Reader = ReturnType<typeof reader>;

function task(
  taskId: string | undefined,
  userId: unknown,
  status: unknown,
  result: unknown,
  createTime: unknown,
  finishTime: unknown,
  r: Reader,
): DingtalkApprovalTask {
  const out: DingtalkApprovalTask = {
    taskId: r.string(taskId, 'tasks[].taskId'),
    userId: r.string(userId, 'tasks[].userId'),
    status: r.string(status, 'tasks[].status'),
  };
  const extra = { result: text(result), createTime: text(createTime), finishTime: text(finishTime) };
  for (const [key, value] of Object.entries(extra))
    if (value !== undefined) Object.assign(out, { [key]: value });
  return out;
}

function instance(
  processInstanceId: string,
  row: Record<string, unknown>,
  tasks: DingtalkApprovalTask[],
  r: Reader,
  fields: { originator: unknown; businessId: unknown; createTime: unknown; finishTime: unknown },
): DingtalkApprovalInstance {
  const out: DingtalkApprovalInstance = {
    processInstanceId,
    title: r.string(row.title, 'title'),
    status: r.string(row.status, 'status') as DingtalkApprovalStatus,
    originatorUserId: r.string(fields.originator, 'originator'),
    tasks,
  };
  const extra = {
    result: text(row.result),
    businessId: text(fields.businessId),
    createTime: text(fields.createTime),
    finishTime: text(fields.finishTime),
  };
  for (const [key, value] of Object.entries(extra))
    if (value !== undefined) Object.assign(out, { [key]: value });
  const form = row.formComponentValues ?? row.form_component_values;
  if (Array.isArray(form)) {
    out.formComponentValues = form
      .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
      .map((f) => ({ name: String(f.name ?? ''), value: String(f.value ?? '') }));
  }
  return out;
}
