import { classifyDingtalkError, type DingtalkClient, isMissingTodoError } from '@gcrm/connectors/dingtalk';
import type { DeliveryRoute, DeliverySender } from '../delivery';

/** Where a staff member's DingTalk unionId comes from (their linked identity). */
export type UnionIdOf = (staffId: string) => Promise<string | undefined>;

interface TaskMessage {
  taskId: string;
  caseId: string;
  caseNumber: string;
  serviceCode: string;
  nodeName: string;
  assigneeId: string | null;
  candidates: string[] | null;
  dueAt: number | null;
}

interface TodoPayload {
  op: 'create' | 'done' | 'delete';
  taskId: string;
  /** Whose list the todo lives in (the first executor); done/delete look it up there by sourceId. */
  ownerUnionId: string;
  executorUnionIds: string[];
  subject?: string;
  dueTime?: number;
  detailPath?: string;
}

/**
 * Every task the workflow gives to staff who sign in with DingTalk appears in their DingTalk 待办:
 * created with our task id as `sourceId` (a second create is the same todo), completed when the task
 * is done, removed when it is cancelled. Staff without a DingTalk identity get nothing here.
 */
export function dingtalkTodoRoute(
  unionIdOf: UnionIdOf,
  serviceName: (code: string) => string,
): DeliveryRoute {
  const executors = async (m: TaskMessage) => {
    const staff = m.assigneeId ? [m.assigneeId] : (m.candidates ?? []);
    const ids = await Promise.all(staff.map(unionIdOf));
    return ids.filter((id): id is string => typeof id === 'string');
  };
  return {
    name: 'dingtalk-todo',
    topics: ['task.created', 'task.completed', 'task.cancelled'],
    plan: async (message) => {
      const m = message.payload as unknown as TaskMessage;
      const unionIds = await executors(m);
      if (unionIds.length === 0) return [];
      const op =
        message.topic === 'task.created' ? 'create' : message.topic === 'task.completed' ? 'done' : 'delete';
      const payload: TodoPayload = {
        op,
        taskId: m.taskId,
        ownerUnionId: unionIds[0] as string,
        executorUnionIds: unionIds,
        ...(op === 'create'
          ? {
              subject: `【待办】${serviceName(m.serviceCode)} ${m.caseNumber}：${m.nodeName}`,
              ...(m.dueAt ? { dueTime: Number(m.dueAt) } : {}),
              detailPath: `/staff/tasks/${m.taskId}`,
            }
          : {}),
      };
      return [
        {
          destination: 'dingtalk.todo',
          key: `${op}:${m.taskId}:${message.id}`,
          orderKey: m.caseId,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}

/** Carries todo deliveries to DingTalk (todo v1.0), idempotent by `sourceId` = our task id. */
export function dingtalkTodoSender(client: DingtalkClient, staffPagesBase: () => string): DeliverySender {
  return {
    destination: 'dingtalk.todo',
    classify: classifyDingtalkError,
    send: async (delivery) => {
      const p = delivery.payload as unknown as TodoPayload;
      if (p.op === 'create') {
        const url = `${staffPagesBase()}${p.detailPath ?? ''}`;
        const todo = await client.createTodo(p.ownerUnionId, {
          sourceId: p.taskId,
          subject: p.subject ?? '待办',
          ...(p.dueTime ? { dueTime: p.dueTime } : {}),
          executorIds: p.executorUnionIds,
          detailUrl: { appUrl: url, pcUrl: url },
          isOnlyShowExecutor: true,
        });
        return { outcome: 'delivered', reference: todo.id };
      }
      const todo = await client.getTodoBySourceId(p.ownerUnionId, p.taskId).catch((error) => {
        // Never created (or deleted by hand): nothing to complete or remove.
        if (isMissingTodoError(error)) return undefined;
        throw error;
      });
      if (!todo) return { outcome: 'delivered' };
      if (p.op === 'done') await client.updateTodo(p.ownerUnionId, todo.id, { done: true });
      else await client.deleteTodo(p.ownerUnionId, todo.id);
      return { outcome: 'delivered', reference: todo.id };
    },
  };
}
