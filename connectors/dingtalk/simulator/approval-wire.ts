import {
  type ApprovalInstance,
  type ApprovalStore,
  type NewInstance,
  oldTime,
  type StepType,
  v1Time,
} from './approvals';
import type { WireResult } from './state';
import { type V1Result, v1Error } from './v1-errors';

// Both wire generations of the approval API over one store: parse and check requests, shape answers.

type Body = Record<string, unknown>;
const STEP_TYPES = new Set<StepType>(['AND', 'OR', 'NONE']);
const MAX_FORM_FIELDS = 150;
const BLANK: WireResult = { errcode: 88, subCode: '40000' };
// [sim] platforms.md lists no errcodes for processinstance/*; 400002 (invalid parameter) stands in.
const INVALID: WireResult = { errcode: 400002 };

export interface ApprovalWireOptions {
  store: ApprovalStore;
  agentId: number;
  isUserid(userid: string): boolean;
}

/** Validate the parts both generations share; an error text or the new instance. */
function parseNew(
  isUserid: (id: string) => boolean,
  raw: {
    processCode: unknown;
    originator: unknown;
    deptId: unknown;
    form: unknown;
    steps: unknown;
    cc: unknown;
  },
): NewInstance | string {
  if (typeof raw.processCode !== 'string' || raw.processCode === '') return 'processCode is required';
  if (typeof raw.originator !== 'string' || !isUserid(raw.originator)) return 'originator not exist';
  if (!Number.isSafeInteger(raw.deptId)) return 'deptId is invalid';
  if (!Array.isArray(raw.form) || raw.form.length > MAX_FORM_FIELDS) return 'form is invalid';
  const form: NewInstance['form'] = [];
  for (const item of raw.form) {
    const f = item as Body | null;
    if (typeof f?.name !== 'string' || typeof f.value !== 'string') return 'form is invalid';
    const extValue = f.ext_value ?? f.extValue;
    form.push({ name: f.name, value: f.value, ...(typeof extValue === 'string' ? { extValue } : {}) });
  }
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) return 'approvers are required';
  const steps: NewInstance['steps'] = [];
  for (const item of raw.steps as { type: unknown; userids: unknown }[]) {
    const ids = item.userids;
    if (!STEP_TYPES.has(item.type as StepType)) return 'actionType is invalid';
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && isUserid(id)))
      return 'approver not exist';
    if (item.type === 'NONE' && ids.length !== 1) return 'NONE takes one approver';
    steps.push({ type: item.type as StepType, userids: [...new Set(ids as string[])] });
  }
  const cc = raw.cc === undefined ? [] : raw.cc;
  if (!Array.isArray(cc) || !cc.every((id) => typeof id === 'string' && isUserid(id)))
    return 'ccList is invalid';
  return {
    processCode: raw.processCode,
    originator: raw.originator,
    deptId: raw.deptId as number,
    form,
    steps,
    ccList: cc as string[],
  };
}

const splitIds = (value: unknown) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value);

export function createApprovalWire(options: ApprovalWireOptions) {
  const { store } = options;

  function oldInstance(i: ApprovalInstance): Body {
    const out: Body = {
      title: i.title,
      create_time: oldTime(i.createTime),
      originator_userid: i.originator,
      originator_dept_id: String(i.deptId),
      status: i.status,
      business_id: i.businessId,
      cc_userids: i.ccList,
      form_component_values: i.form.map((f) => ({
        name: f.name,
        value: f.value,
        ext_value: f.extValue ?? '',
      })),
      operation_records: i.records.map((r) => ({
        userid: r.userid,
        date: oldTime(r.date),
        operation_type: r.type,
        operation_result: r.result,
        remark: r.remark,
      })),
      tasks: i.tasks.map((t) => ({
        taskid: t.taskId,
        userid: t.userid,
        task_status: t.status,
        task_result: t.result,
        create_time: oldTime(t.createTime),
        ...(t.finishTime === undefined ? {} : { finish_time: oldTime(t.finishTime) }),
      })),
      biz_action: 'NONE',
      attached_process_instance_ids: [],
    };
    if (i.result) out.result = i.result;
    if (i.finishTime !== undefined) out.finish_time = oldTime(i.finishTime);
    return out;
  }

  function v1Instance(i: ApprovalInstance): Body {
    const out: Body = {
      title: i.title,
      createTime: v1Time(i.createTime),
      originatorUserId: i.originator,
      originatorDeptId: String(i.deptId),
      status: i.status,
      businessId: i.businessId,
      ccUserIds: i.ccList,
      approverUserIds: i.steps.flatMap((s) => s.userids),
      formComponentValues: i.form.map((f) => ({ name: f.name, value: f.value, extValue: f.extValue ?? '' })),
      operationRecords: i.records.map((r) => ({
        userId: r.userid,
        date: v1Time(r.date),
        type: r.type,
        result: r.result,
        remark: r.remark,
      })),
      tasks: i.tasks.map((t) => ({
        taskId: t.taskId,
        userId: t.userid,
        status: t.status,
        result: t.result,
        createTime: v1Time(t.createTime),
        ...(t.finishTime === undefined ? {} : { finishTime: v1Time(t.finishTime) }),
        processInstanceId: i.id,
      })),
      bizAction: 'NONE',
    };
    if (i.result) out.result = i.result;
    if (i.finishTime !== undefined) out.finishTime = v1Time(i.finishTime);
    return out;
  }

  const paramError = (message: string) => v1Error(400, 'paramError', message);

  return {
    oldCreate(b: Body): WireResult {
      if (b.agent_id === undefined || b.process_code === undefined || b.originator_user_id === undefined)
        return BLANK;
      if (b.agent_id !== options.agentId) return INVALID;
      const steps = Array.isArray(b.approvers_v2)
        ? b.approvers_v2.map((s) => ({
            type: (s as Body | null)?.task_action_type,
            userids: (s as Body | null)?.user_ids,
          }))
        : (splitIds(b.approvers) as unknown[] | undefined)?.map((id) => ({ type: 'NONE', userids: [id] }));
      const parsed = parseNew(options.isUserid, {
        processCode: b.process_code,
        originator: b.originator_user_id,
        deptId: b.dept_id,
        form: b.form_component_values,
        steps,
        cc: splitIds(b.cc_list),
      });
      if (typeof parsed === 'string') return INVALID;
      return { body: { process_instance_id: store.create(parsed).id } };
    },

    oldGet(b: Body): WireResult {
      if (typeof b.process_instance_id !== 'string' || b.process_instance_id === '') return BLANK;
      const i = store.get(b.process_instance_id);
      return i ? { body: { process_instance: oldInstance(i) } } : INVALID;
    },

    v1Create(b: Body): V1Result {
      const steps = Array.isArray(b.approvers)
        ? b.approvers.map((s) => ({
            type: (s as Body | null)?.actionType,
            userids: (s as Body | null)?.userIds,
          }))
        : undefined;
      const parsed = parseNew(options.isUserid, {
        processCode: b.processCode,
        originator: b.originatorUserId,
        deptId: b.deptId,
        form: b.formComponentValues,
        steps,
        cc: b.ccList,
      });
      if (typeof parsed === 'string') return paramError(parsed);
      return { body: { instanceId: store.create(parsed).id } };
    },

    v1Get(query: URLSearchParams): V1Result {
      const id = query.get('processInstanceId');
      if (!id) return paramError('processInstanceId is required');
      const i = store.get(id);
      return i ? { body: { success: true, result: v1Instance(i) } } : paramError('instance not exist');
    },

    v1Execute(b: Body): V1Result {
      const { processInstanceId: id, actionerUserId: userid, taskId, result } = b;
      if (typeof id !== 'string' || typeof userid !== 'string' || !Number.isSafeInteger(taskId))
        return paramError('processInstanceId, actionerUserId and taskId are required');
      if (result !== 'agree' && result !== 'refuse') return paramError('result is invalid');
      const remark = typeof b.remark === 'string' ? b.remark : '';
      const problem = store.decide(id, { userid, result, remark, taskId: taskId as number });
      return problem ? paramError(problem) : { body: { success: true, result: true } };
    },

    v1Terminate(b: Body): V1Result {
      if (typeof b.processInstanceId !== 'string') return paramError('processInstanceId is required');
      const userid = typeof b.operatingUserId === 'string' ? b.operatingUserId : '';
      const problem = store.terminate(b.processInstanceId, {
        userid,
        remark: typeof b.remark === 'string' ? b.remark : '',
      });
      return problem ? paramError(problem) : { body: { success: true, result: true } };
    },

    /** Sandbox read: the instance in the new generation's shape plus its id and steps. */
    snapshot(id: string): Body | undefined {
      const i = store.get(id);
      return i && { processInstanceId: i.id, steps: i.steps, ...v1Instance(i) };
    },
  };
}
