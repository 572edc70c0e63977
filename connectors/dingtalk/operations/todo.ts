import { DingtalkV1ApiError } from '../errors';
import type { DingtalkV1Http } from '../transport/v1-http';
import { reader } from './parse';

// 待办 Todo, new generation (platforms.md §2.4; SDK alibabacloud-go/dingtalk todo_1_0). Paths take the
// creator's or viewer's **unionId**, never a userid.

/** Where a todo opens: `detailUrl` is required since 2024-02-01. */
export interface DingtalkTodoDetailUrl {
  appUrl: string;
  pcUrl: string;
}

/** 10 low / 20 normal / 30 urgent / 40 very urgent. */
export type DingtalkTodoPriority = 10 | 20 | 30 | 40;

/** What we create a todo with. `sourceId` is our task id: DingTalk keeps it unique per creator. */
export interface DingtalkTodoInput {
  sourceId: string;
  /** ≤ 1024 characters. */
  subject: string;
  /** ≤ 4096 characters. */
  description?: string;
  /** Epoch milliseconds. */
  dueTime?: number;
  /** unionIds. */
  executorIds?: string[];
  /** unionIds. */
  participantIds?: string[];
  detailUrl: DingtalkTodoDetailUrl;
  isOnlyShowExecutor?: boolean;
  priority?: DingtalkTodoPriority;
  /** `{dingNotify: '1'}` also sends a DING. */
  notifyConfigs?: { dingNotify?: '1' };
}

/** Fields of {@link DingtalkTodoInput} an update may change, plus `done`. */
export interface DingtalkTodoUpdate {
  subject?: string;
  description?: string;
  dueTime?: number;
  done?: boolean;
  executorIds?: string[];
  participantIds?: string[];
}

/** A todo as create/get answer it (the fields the gateway uses). */
export interface DingtalkTodo {
  id: string;
  subject: string;
  description?: string;
  sourceId?: string;
  creatorId?: string;
  dueTime?: number;
  done: boolean;
  /** Epoch ms when it was marked done. */
  finishTime?: number;
  executorIds: string[];
  participantIds: string[];
  detailUrl?: DingtalkTodoDetailUrl;
  priority?: number;
  createdTime?: number;
  modifiedTime?: number;
}

/** One entry of the user's todo list (`todoCards[]`). */
export interface DingtalkTodoCard {
  taskId: string;
  subject: string;
  sourceId?: string;
  done: boolean;
  dueTime?: number;
  priority?: number;
  createdTime?: number;
  modifiedTime?: number;
}

export interface DingtalkTodoListQuery {
  isDone?: boolean;
  nextToken?: string;
}

export interface DingtalkTodoPage {
  cards: DingtalkTodoCard[];
  /** Present while more pages follow. */
  nextToken?: string;
  totalCount?: number;
}

const enc = encodeURIComponent;
const tasksPath = (unionId: string) => `/v1.0/todo/users/${enc(unionId)}/tasks`;

/** DingTalk's answer to a second create with the same `sourceId` (platforms.md §2.4). */
export function isDuplicateTodoError(error: unknown): boolean {
  return (
    error instanceof DingtalkV1ApiError &&
    error.status === 400 &&
    error.code.endsWith('paramError') &&
    /task exist/i.test(error.platformMessage)
  );
}

/** DingTalk's answer for a todo that does not exist (never created, or deleted by hand). */
export function isMissingTodoError(error: unknown): boolean {
  return (
    error instanceof DingtalkV1ApiError &&
    (error.status === 404 || (error.status === 400 && /task not exist/i.test(error.platformMessage)))
  );
}

/**
 * `POST /v1.0/todo/users/{unionId}/tasks?operatorId=`. A duplicate `sourceId` (an earlier attempt that
 * did reach DingTalk) is success: the existing todo is looked up by sourceId and returned.
 */
export async function createTodo(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  input: DingtalkTodoInput,
): Promise<DingtalkTodo> {
  const path = tasksPath(unionId);
  try {
    const body = await http.request({
      method: 'POST',
      path,
      token,
      query: { operatorId: unionId },
      body: { ...input, creatorId: unionId },
    });
    return toTodo(path, body);
  } catch (error) {
    if (!isDuplicateTodoError(error)) throw error;
    return getTodoBySourceId(http, token, unionId, input.sourceId);
  }
}

/** `PUT …/tasks/{taskId}?operatorId=` → `{result: true}`. */
export async function updateTodo(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  taskId: string,
  update: DingtalkTodoUpdate,
): Promise<void> {
  const path = `${tasksPath(unionId)}/${enc(taskId)}`;
  await http.request({ method: 'PUT', path, token, query: { operatorId: unionId }, body: update });
}

/** `PUT …/tasks/{taskId}/executorStatus`: mark executors done (or not done again). */
export async function updateTodoExecutorStatus(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  taskId: string,
  statuses: { id: string; isDone: boolean }[],
): Promise<void> {
  const path = `${tasksPath(unionId)}/${enc(taskId)}/executorStatus`;
  await http.request({
    method: 'PUT',
    path,
    token,
    query: { operatorId: unionId },
    body: { executorStatusList: statuses },
  });
}

export async function getTodo(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  taskId: string,
): Promise<DingtalkTodo> {
  const path = `${tasksPath(unionId)}/${enc(taskId)}`;
  return toTodo(path, await http.request({ method: 'GET', path, token }));
}

export async function getTodoBySourceId(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  sourceId: string,
): Promise<DingtalkTodo> {
  const path = `${tasksPath(unionId)}/sources/${enc(sourceId)}`;
  return toTodo(path, await http.request({ method: 'GET', path, token }));
}

export async function deleteTodo(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  taskId: string,
): Promise<void> {
  const path = `${tasksPath(unionId)}/${enc(taskId)}`;
  await http.request({ method: 'DELETE', path, token, query: { operatorId: unionId } });
}

/** `POST …/tasks/list`: one page of the user's todos. */
export async function listTodos(
  http: DingtalkV1Http,
  token: string,
  unionId: string,
  query: DingtalkTodoListQuery = {},
): Promise<DingtalkTodoPage> {
  const path = `${tasksPath(unionId)}/list`;
  const r = reader(path);
  const body = await http.request({ method: 'POST', path, token, body: query });
  const cards = (Array.isArray(body.todoCards) ? body.todoCards : []).map((item) => {
    const row = r.object(item, 'todoCards[]');
    const card: DingtalkTodoCard = {
      taskId: r.string(row.taskId, 'todoCards[].taskId'),
      subject: r.string(row.subject, 'todoCards[].subject'),
      done: row.isDone === true,
    };
    copyOptional(card, row, ['sourceId'], ['dueTime', 'priority', 'createdTime', 'modifiedTime']);
    return card;
  });
  const page: DingtalkTodoPage = { cards };
  const next = r.optionalString(body.nextToken);
  if (next !== undefined) page.nextToken = next;
  if (typeof body.totalCount === 'number') page.totalCount = body.totalCount;
  return page;
}

function toTodo(path: string, body: Record<string, unknown>): DingtalkTodo {
  const r = reader(path);
  const ids = (value: unknown) =>
    Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  const todo: DingtalkTodo = {
    id: r.string(body.id, 'id'),
    subject: r.string(body.subject, 'subject'),
    done: body.done === true,
    executorIds: ids(body.executorIds),
    participantIds: ids(body.participantIds),
  };
  copyOptional(
    todo,
    body,
    ['description', 'sourceId', 'creatorId'],
    ['dueTime', 'finishTime', 'priority', 'createdTime', 'modifiedTime'],
  );
  const detail = body.detailUrl;
  if (typeof detail === 'object' && detail !== null) {
    const { appUrl, pcUrl } = detail as Record<string, unknown>;
    if (typeof appUrl === 'string' && typeof pcUrl === 'string') todo.detailUrl = { appUrl, pcUrl };
  }
  return todo;
}

function copyOptional<T extends object>(
  target: T,
  source: Record<string, unknown>,
  strings: (keyof T & string)[],
  numbers: (keyof T & string)[],
): void {
  const out = target as Record<string, unknown>;
  for (const key of strings)
    if (typeof source[key] === 'string' && source[key] !== '') out[key] = source[key];
  for (const key of numbers) if (typeof source[key] === 'number') out[key] = source[key];
}
