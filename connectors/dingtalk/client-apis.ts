import {
  createProcessInstance,
  createWorkflowInstance,
  type DingtalkApprovalInput,
  type DingtalkApprovalInstance,
  executeWorkflowTask,
  getProcessInstance,
  getWorkflowInstance,
  terminateWorkflowInstance,
} from './operations/approval';
import {
  createTodo,
  type DingtalkTodo,
  type DingtalkTodoInput,
  type DingtalkTodoListQuery,
  type DingtalkTodoPage,
  type DingtalkTodoUpdate,
  deleteTodo,
  getTodo,
  getTodoBySourceId,
  listTodos,
  updateTodo,
  updateTodoExecutorStatus,
} from './operations/todo';
import {
  type DingtalkSendProgress,
  type DingtalkSendResult,
  type DingtalkWorkMessage,
  type DingtalkWorkRecipients,
  getWorkNotificationProgress,
  getWorkNotificationResult,
  recallWorkNotification,
  sendWorkNotification,
} from './operations/work-notification';
import type { DingtalkHttp } from './transport/http';
import type { DingtalkV1Http } from './transport/v1-http';

/** 待办 (new generation, platforms.md §2.4). `unionId` is the creator's/viewer's unionId. */
export interface DingtalkTodoApi {
  /** Create with `sourceId` = our task id; a duplicate sourceId returns the existing todo. */
  createTodo(unionId: string, input: DingtalkTodoInput): Promise<DingtalkTodo>;
  updateTodo(unionId: string, taskId: string, update: DingtalkTodoUpdate): Promise<void>;
  /** Mark executors done (`isDone` default true); the todo is done when all its executors are. */
  setTodoExecutorsDone(
    unionId: string,
    taskId: string,
    executorIds: string[],
    isDone?: boolean,
  ): Promise<void>;
  getTodo(unionId: string, taskId: string): Promise<DingtalkTodo>;
  getTodoBySourceId(unionId: string, sourceId: string): Promise<DingtalkTodo>;
  deleteTodo(unionId: string, taskId: string): Promise<void>;
  /** One page; pass the previous page's `nextToken` for the next. */
  listTodos(unionId: string, query?: DingtalkTodoListQuery): Promise<DingtalkTodoPage>;
}

/** 工作通知 (oapi, platforms.md §2.5); needs `agentId` in the config. Recipients are userids. */
export interface DingtalkWorkNotificationApi {
  sendWorkNotification(to: DingtalkWorkRecipients, msg: DingtalkWorkMessage): Promise<{ taskId: number }>;
  getWorkNotificationProgress(taskId: number): Promise<DingtalkSendProgress>;
  getWorkNotificationResult(taskId: number): Promise<DingtalkSendResult>;
  recallWorkNotification(taskId: number): Promise<void>;
}

/** OA approval (platforms.md §2.6): old topapi (needs `agentId`) and the new workflow API. */
export interface DingtalkApprovalApi {
  /** `topapi/processinstance/create` → process instance id. */
  createProcessInstance(input: DingtalkApprovalInput): Promise<string>;
  getProcessInstance(processInstanceId: string): Promise<DingtalkApprovalInstance>;
  /** `POST /v1.0/workflow/processInstances` → instance id. */
  createWorkflowInstance(input: DingtalkApprovalInput & { bizDetailPageUrl?: string }): Promise<string>;
  getWorkflowInstance(processInstanceId: string): Promise<DingtalkApprovalInstance>;
  executeWorkflowTask(input: {
    processInstanceId: string;
    taskId: string;
    actionerUserId: string;
    result: 'agree' | 'refuse';
    remark?: string;
  }): Promise<void>;
  terminateWorkflowInstance(input: {
    processInstanceId: string;
    operatingUserId: string;
    remark?: string;
  }): Promise<void>;
}

interface ApiDeps {
  http: DingtalkHttp;
  v1: DingtalkV1Http;
  agentId: number | undefined;
  call: <T>(fn: (token: string) => Promise<T>) => Promise<T>;
}

function requireAgentId(agentId: number | undefined): number {
  if (agentId === undefined) throw new TypeError('DingTalk agentId is not configured');
  return agentId;
}

export function todoApi({ v1, call }: ApiDeps): DingtalkTodoApi {
  return {
    createTodo: (unionId, input) => call((t) => createTodo(v1, t, unionId, input)),
    updateTodo: (unionId, taskId, update) => call((t) => updateTodo(v1, t, unionId, taskId, update)),
    setTodoExecutorsDone: (unionId, taskId, executorIds, isDone = true) =>
      call((t) =>
        updateTodoExecutorStatus(
          v1,
          t,
          unionId,
          taskId,
          executorIds.map((id) => ({ id, isDone })),
        ),
      ),
    getTodo: (unionId, taskId) => call((t) => getTodo(v1, t, unionId, taskId)),
    getTodoBySourceId: (unionId, sourceId) => call((t) => getTodoBySourceId(v1, t, unionId, sourceId)),
    deleteTodo: (unionId, taskId) => call((t) => deleteTodo(v1, t, unionId, taskId)),
    listTodos: (unionId, query) => call((t) => listTodos(v1, t, unionId, query)),
  };
}

export function workNotificationApi({ http, agentId, call }: ApiDeps): DingtalkWorkNotificationApi {
  return {
    sendWorkNotification: (to, msg) =>
      call((t) => sendWorkNotification(http, t, requireAgentId(agentId), to, msg)),
    getWorkNotificationProgress: (taskId) =>
      call((t) => getWorkNotificationProgress(http, t, requireAgentId(agentId), taskId)),
    getWorkNotificationResult: (taskId) =>
      call((t) => getWorkNotificationResult(http, t, requireAgentId(agentId), taskId)),
    recallWorkNotification: (taskId) =>
      call((t) => recallWorkNotification(http, t, requireAgentId(agentId), taskId)),
  };
}

export function approvalApi({ http, v1, agentId, call }: ApiDeps): DingtalkApprovalApi {
  return {
    createProcessInstance: (input) =>
      call((t) => createProcessInstance(http, t, requireAgentId(agentId), input)),
    getProcessInstance: (id) => call((t) => getProcessInstance(http, t, id)),
    createWorkflowInstance: (input) =>
      call((t) =>
        createWorkflowInstance(v1, t, agentId === undefined ? input : { ...input, microappAgentId: agentId }),
      ),
    getWorkflowInstance: (id) => call((t) => getWorkflowInstance(v1, t, id)),
    executeWorkflowTask: (input) => call((t) => executeWorkflowTask(v1, t, input)),
    terminateWorkflowInstance: (input) => call((t) => terminateWorkflowInstance(v1, t, input)),
  };
}
