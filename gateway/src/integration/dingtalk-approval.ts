import { classifyDingtalkError, type DingtalkClient } from '@gcrm/connectors/dingtalk';
import type { AuditEntry } from '../audit/audit.types';
import { type InboxEvent, PermanentInboxError } from '../callbacks';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import { AppError } from '../platform/errors';
import type { IntegrationLinks } from './links';
import { staffOfTask, type TaskMessage } from './staff-channels';

const KIND = 'dingtalk.approval';
/** The form field that names our task in the approval (how an instance is recognised as ours). */
const TASK_FIELD = '任务编号';

interface ApprovalPayload {
  op: 'create' | 'close';
  taskId: string;
  caseId: string;
  userIds: string[];
  title?: string;
  fields?: { name: string; value: string }[];
  detailPath?: string;
}

/**
 * With DINGTALK_APPROVAL_PROCESS_CODE set, a task of staff on DingTalk is also an OA approval (审批) in
 * DingTalk, so they can agree or refuse it there; the bpms events come back as the task's decision.
 * A task done in our pages first terminates the approval (the other side is told it was done).
 */
export function dingtalkApprovalRoute(
  usersOf: (staffIds: string[]) => Promise<string[]>,
  serviceName: (code: string) => string,
): DeliveryRoute {
  return {
    name: 'dingtalk-approval',
    topics: ['task.created', 'task.completed', 'task.cancelled'],
    plan: async (message) => {
      const m = message.payload as unknown as TaskMessage;
      if (m.kind === 'cc') return [];
      const userIds = await usersOf(staffOfTask(m));
      if (userIds.length === 0) return [];
      const create = message.topic === 'task.created';
      const name = serviceName(m.serviceCode);
      const payload: ApprovalPayload = {
        op: create ? 'create' : 'close',
        taskId: m.taskId,
        caseId: m.caseId,
        userIds,
        ...(create
          ? {
              title: `${name}（${m.caseNumber}）${m.nodeName}`,
              fields: [
                { name: TASK_FIELD, value: m.taskId },
                { name: '办件编号', value: m.caseNumber },
                { name: '事项', value: name },
                { name: '办理环节', value: m.nodeName },
              ],
              detailPath: `/staff/tasks/${m.taskId}`,
            }
          : {}),
      };
      return [
        {
          destination: KIND,
          key: `${payload.op}:${m.taskId}:${message.id}`,
          orderKey: m.caseId,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}

/**
 * Creates the approval (one per task: an existing link means it was created) or terminates a still
 * running one. DingTalk has no idempotency key for approvals: a create whose answer was lost can leave
 * a second instance; the link records the first one answered and the other is terminated when seen.
 */
export function dingtalkApprovalSender(
  client: DingtalkClient,
  links: IntegrationLinks,
  processCode: string,
  staffPagesBase: () => string,
): DeliverySender {
  return {
    destination: KIND,
    classify: classifyDingtalkError,
    send: async (delivery) => {
      const p = delivery.payload as unknown as ApprovalPayload;
      const existing = await links.byLocal(KIND, p.taskId);
      if (p.op === 'create') {
        if (existing) return { outcome: 'delivered', reference: existing.externalId };
        const originator = p.userIds[0] as string;
        const id = await client.createWorkflowInstance({
          processCode,
          originatorUserId: originator,
          deptId: 1,
          formComponentValues: p.fields ?? [],
          approvers: [{ actionType: p.userIds.length > 1 ? 'OR' : 'NONE', userIds: p.userIds }],
          bizDetailPageUrl: `${staffPagesBase()}${p.detailPath ?? ''}`,
        });
        await links.record(KIND, id, p.taskId, p.caseId);
        return { outcome: 'delivered', reference: id };
      }
      if (existing?.state !== 'open') return { outcome: 'delivered' };
      const instance = await client.getWorkflowInstance(existing.externalId);
      if (instance.status === 'RUNNING' || instance.status === 'NEW') {
        try {
          await client.terminateWorkflowInstance({
            processInstanceId: existing.externalId,
            operatingUserId: instance.originatorUserId,
            remark: '该事项已在政务服务平台办理',
          });
        } catch (error) {
          // Decided in DingTalk between our read and the terminate (DingTalk refuses to terminate an
          // instance that is no longer running): it is closed all the same; its decision, when it
          // comes, is "already done". Anything else is a real failure.
          const now = await client.getWorkflowInstance(existing.externalId);
          if (now.status === 'RUNNING' || now.status === 'NEW') throw error;
        }
      }
      await links.close(KIND, existing.externalId);
      return { outcome: 'delivered', reference: existing.externalId };
    },
  };
}

/**
 * `bpms_instance_change` start → recognise our own instances by their 任务编号. DingTalk approvals have
 * no idempotency key: when a create's answer was lost, the instance's start event links it here (so
 * the retry does not create another one), and an instance made twice is terminated.
 */
export function approvalStartHandler(deps: {
  links: IntegrationLinks;
  client: DingtalkClient;
  /** The case of one of our tasks; undefined when the task is not ours. */
  caseOfTask: (taskId: string) => Promise<string | undefined>;
}): (event: InboxEvent) => Promise<void> {
  return async (event) => {
    const e = event.payload as Record<string, unknown>;
    if (e.type !== 'start' || typeof e.processInstanceId !== 'string') return;
    const instanceId = e.processInstanceId;
    if (await deps.links.byExternal(KIND, instanceId)) return; // the usual case: the create answered
    const instance = await deps.client.getWorkflowInstance(instanceId);
    const taskId = instance.formComponentValues?.find((f) => f.name === TASK_FIELD)?.value;
    const caseId = taskId ? await deps.caseOfTask(taskId) : undefined;
    if (!taskId || !caseId) return; // not one of ours
    await deps.links.record(KIND, instanceId, taskId, caseId);
    const linked = await deps.links.byLocal(KIND, taskId);
    if (
      linked &&
      linked.externalId !== instanceId &&
      (instance.status === 'RUNNING' || instance.status === 'NEW')
    ) {
      await deps.client.terminateWorkflowInstance({
        processInstanceId: instanceId,
        operatingUserId: instance.originatorUserId,
        remark: '重复创建的审批，已撤销（以另一审批为准）',
      });
    }
  };
}

/** What the bpms handler needs from the rest of the gateway. */
export interface ApprovalDecisionDeps {
  links: IntegrationLinks;
  client: DingtalkClient;
  staffOf: (userid: string) => Promise<string | undefined>;
  approve: (staffId: string, taskId: string, comment: string | null) => Promise<unknown>;
  reject: (staffId: string, taskId: string, comment: string) => Promise<unknown>;
  /** Puts the decision on the audit record as the staff member's own, taken in DingTalk. */
  audit: (entry: AuditEntry) => Promise<unknown>;
}

/**
 * `bpms_task_change` finish → the task's decision. The event only says which task changed; the
 * instance is read back (events may come twice or out of order) and the decision applied as the
 * staff member who made it. A task already decided in our pages is "already done": nothing applied.
 */
export function approvalDecisionHandler(deps: ApprovalDecisionDeps): (event: InboxEvent) => Promise<void> {
  return async (event) => {
    const e = event.payload as Record<string, unknown>;
    if (e.type !== 'finish') return;
    const instanceId = typeof e.processInstanceId === 'string' ? e.processInstanceId : undefined;
    const userid = typeof e.staffId === 'string' ? e.staffId : undefined;
    if (!instanceId || !userid) throw new PermanentInboxError('bad_payload');
    const link = await deps.links.byExternal(KIND, instanceId);
    // This decision was applied already (a redelivery under another event id).
    if (link?.state === 'applied') return;
    const instance = await deps.client.getWorkflowInstance(instanceId);
    // An instance made twice for one task (a lost create answer) is still that task: its decision counts.
    const taskId = link?.localId ?? instance.formComponentValues?.find((f) => f.name === TASK_FIELD)?.value;
    if (!taskId) return; // not one of ours
    const task = instance.tasks.find((t) => t.userId === userid && t.status === 'COMPLETED');
    const result = task?.result?.toUpperCase();
    if (result !== 'AGREE' && result !== 'REFUSE') return; // redirected, or not finished after all
    const staffId = await deps.staffOf(userid);
    if (!staffId) throw new PermanentInboxError('unknown_staff');
    const remark = typeof e.remark === 'string' && e.remark.trim() ? e.remark.trim().slice(0, 500) : null;
    const record = (outcome: 'success' | 'failure', status: number) =>
      deps.audit({
        actorType: 'staff',
        actorId: staffId,
        action: result === 'AGREE' ? 'approveTask' : 'rejectTask',
        objectType: 'approveTask',
        objectId: taskId,
        result: outcome,
        requestId: event.id,
        details: { status, channel: 'dingtalk', processInstanceId: instanceId },
      });
    try {
      if (result === 'AGREE') await deps.approve(staffId, taskId, remark);
      else await deps.reject(staffId, taskId, remark ?? '在钉钉审批中拒绝');
    } catch (error) {
      if (error instanceof AppError) await record('failure', error.status);
      if (error instanceof AppError && error.status === 409) {
        // First one wins: the DingTalk decision came too late. Say so to whoever took it there.
        await deps.client.sendWorkNotification(
          { userids: [userid] },
          {
            msgtype: 'text',
            text: {
              content: `您在钉钉审批「${instance.title}」中的${result === 'AGREE' ? '同意' : '拒绝'}未生效：该事项已在政务服务平台办理完毕，以平台结果为准。`,
            },
          },
        );
        await deps.links.close(KIND, instanceId);
        return;
      }
      if (error instanceof AppError && (error.status === 403 || error.status === 404))
        throw new PermanentInboxError('not_allowed');
      throw error;
    }
    await record('success', 200);
    await deps.links.close(KIND, instanceId, 'applied');
  };
}
