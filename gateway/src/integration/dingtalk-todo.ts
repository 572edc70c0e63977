import { classifyDingtalkError, type DingtalkClient, isMissingTodoError } from '@gcrm/connectors/dingtalk';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import type { IntegrationLinks } from './links';

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
  /** task.transferred: the task handed over (its todo is done) and who held it. */
  from?: string;
  previousAssignee?: string | null;
}

interface TodoPayload {
  op: 'create' | 'done' | 'delete';
  taskId: string;
  caseId?: string;
  /** Whose list the todo lives in (the first executor); done/delete look it up there by sourceId. */
  ownerUnionId: string;
  /**
   * done/delete: every list the todo may be in, tried in order (a group task's todo stays in the first
   * candidate's list after someone else claimed it; a transferred task's in the previous holder's).
   */
  lookupUnionIds?: string[];
  executorUnionIds: string[];
  subject?: string;
  dueTime?: number;
  detailPath?: string;
}

/**
 * Every task the workflow gives to staff who sign in with DingTalk appears in their DingTalk 待办:
 * created with our task id as `sourceId` (a second create is the same todo), completed when the task
 * is done (or handed over to a colleague), removed when it is cancelled. Staff without a DingTalk
 * identity get nothing here.
 */
export function dingtalkTodoRoute(
  unionIdOf: UnionIdOf,
  serviceName: (code: string) => string,
): DeliveryRoute {
  const unionIds = async (staff: (string | null | undefined)[]) => {
    const ids = await Promise.all([...new Set(staff.filter((s): s is string => !!s))].map(unionIdOf));
    return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  };
  const executors = (m: TaskMessage) => unionIds(m.assigneeId ? [m.assigneeId] : (m.candidates ?? []));
  const holders = (m: TaskMessage) => unionIds([...(m.candidates ?? []), m.assigneeId]);
  return {
    name: 'dingtalk-todo',
    topics: ['task.created', 'task.completed', 'task.cancelled', 'task.transferred'],
    plan: async (message) => {
      const m = message.payload as unknown as TaskMessage;
      if (message.topic === 'task.transferred') {
        // The new task has its own task.created; the handed-over one is done for its previous holder.
        const previous = await unionIds([m.previousAssignee]);
        if (!m.from || previous.length === 0) return [];
        const done: TodoPayload = {
          op: 'done',
          taskId: m.from,
          ownerUnionId: previous[0] as string,
          executorUnionIds: previous,
          lookupUnionIds: previous,
        };
        return [
          {
            destination: 'dingtalk.todo',
            key: `done:${m.from}:${message.id}`,
            orderKey: m.caseId,
            payload: done as unknown as Record<string, unknown>,
          },
        ];
      }
      const create = message.topic === 'task.created';
      const executorIds = await executors(m);
      const lookup = create ? executorIds : await holders(m);
      if (lookup.length === 0) return [];
      const op = create ? 'create' : message.topic === 'task.completed' ? 'done' : 'delete';
      const payload: TodoPayload = {
        op,
        taskId: m.taskId,
        caseId: m.caseId,
        ownerUnionId: (executorIds[0] ?? lookup[0]) as string,
        executorUnionIds: executorIds,
        ...(create ? {} : { lookupUnionIds: lookup }),
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

/**
 * Carries todo deliveries to DingTalk (todo v1.0), idempotent by `sourceId` = our task id. A sourceId
 * is unique per creator, so the creator (the first executor at the time) is linked to the task: done and
 * delete find the todo there even after a colleague claimed the task.
 */
export function dingtalkTodoSender(
  client: DingtalkClient,
  staffPagesBase: () => string,
  links?: IntegrationLinks,
): DeliverySender {
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
        if (links && p.caseId)
          await links.record('dingtalk.todo', `${p.ownerUnionId}/${todo.id}`, p.taskId, p.caseId);
        return { outcome: 'delivered', reference: todo.id };
      }
      const linked = links ? await links.byLocal('dingtalk.todo', p.taskId) : undefined;
      const creator = linked?.externalId.split('/')[0];
      const owners = [...new Set([...(creator ? [creator] : []), ...(p.lookupUnionIds ?? [p.ownerUnionId])])];
      for (const owner of owners) {
        const todo = await client.getTodoBySourceId(owner, p.taskId).catch((error) => {
          // Not in this list (never created, or deleted by hand): look in the next one.
          if (isMissingTodoError(error)) return undefined;
          throw error;
        });
        if (!todo) continue;
        if (p.op === 'done') await client.updateTodo(owner, todo.id, { done: true });
        else await client.deleteTodo(owner, todo.id);
        return { outcome: 'delivered', reference: todo.id };
      }
      return { outcome: 'delivered' };
    },
  };
}
