import { requestId } from './errcodes';
import { type V1Result, v1Error } from './v1-errors';

// 待办 store (platforms.md §2.4). Todos are global by id; a sourceId is unique per creator unionId.

interface TodoRecord {
  id: string;
  creatorId: string;
  sourceId: string | undefined;
  subject: string;
  description: string;
  dueTime: number | undefined;
  detailUrl: { appUrl: string; pcUrl: string };
  executorIds: string[];
  participantIds: string[];
  executorDone: Map<string, boolean>;
  done: boolean;
  finishTime: number | undefined;
  priority: number;
  isOnlyShowExecutor: boolean;
  createdTime: number;
  modifiedTime: number;
  modifierId: string;
}

export interface TodoStoreOptions {
  now: () => number;
  isUnionId(id: string): boolean;
  /** Cards per page of the list call. */
  pageSize: number;
}

type Body = Record<string, unknown>;

const CREATE_ERROR = 'todo.taskCreate.paramError';
// [sim] Codes for the other operations are not in platforms.md; they are permanent 400s either way.
const PARAM_ERROR = 'paramError';
const PRIORITIES = new Set([10, 20, 30, 40]);

const fail = (code: string, message: string) => v1Error(400, code, message);
const ok = (body: Body): V1Result => ({ body: { ...body, requestId: requestId() } });
const isIdList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= 1000 && value.every((v) => typeof v === 'string');

export function createTodoStore(options: TodoStoreOptions) {
  const { now } = options;
  const todos = new Map<string, TodoRecord>();
  const bySource = new Map<string, string>();
  let counter = 0;
  const sourceKey = (creator: string, sourceId: string) => `${creator}\u0000${sourceId}`;
  /** Per sourceId: todos created with it and creates refused as duplicates ("task exist"). */
  const effects = new Map<string, { created: number; duplicateRejected: number }>();
  const effectOf = (sourceId: string) => {
    const entry = effects.get(sourceId) ?? { created: 0, duplicateRejected: 0 };
    effects.set(sourceId, entry);
    return entry;
  };

  const wire = (t: TodoRecord): Body => {
    const out: Body = {
      id: t.id,
      subject: t.subject,
      description: t.description,
      startTime: t.createdTime,
      done: t.done,
      executorIds: [...t.executorIds],
      participantIds: [...t.participantIds],
      detailUrl: { ...t.detailUrl },
      source: 'isv_sim',
      createdTime: t.createdTime,
      modifiedTime: t.modifiedTime,
      creatorId: t.creatorId,
      modifierId: t.modifierId,
      bizTag: '',
      isOnlyShowExecutor: t.isOnlyShowExecutor,
      priority: t.priority,
    };
    if (t.sourceId !== undefined) out.sourceId = t.sourceId;
    if (t.dueTime !== undefined) out.dueTime = t.dueTime;
    if (t.finishTime !== undefined) out.finishTime = t.finishTime;
    return out;
  };

  const visibleTo = (t: TodoRecord, unionId: string) =>
    t.creatorId === unionId || t.executorIds.includes(unionId) || t.participantIds.includes(unionId);

  function setDone(t: TodoRecord, done: boolean) {
    if (done && !t.done) t.finishTime = now();
    if (!done) t.finishTime = undefined;
    t.done = done;
    for (const id of t.executorIds) t.executorDone.set(id, done);
  }

  /** Check the fields create and update share; a message or undefined. */
  function checkFields(b: Body, creating: boolean): string | undefined {
    if (creating || b.subject !== undefined) {
      if (typeof b.subject !== 'string' || b.subject.trim() === '') return 'subject is required';
      if (b.subject.length > 1024) return 'subject is oversize';
    }
    if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 4096))
      return 'description is oversize';
    if (b.dueTime !== undefined && !(Number.isSafeInteger(b.dueTime) && (b.dueTime as number) > 0))
      return 'dueTime is invalid';
    for (const key of ['executorIds', 'participantIds'] as const) {
      const ids = b[key];
      if (ids === undefined) continue;
      if (!isIdList(ids) || ids.some((id) => !options.isUnionId(id))) return `${key} is invalid`;
    }
    return undefined;
  }

  function find(unionId: string, taskId: string): TodoRecord | undefined {
    const t = todos.get(taskId);
    return t && visibleTo(t, unionId) ? t : undefined;
  }

  const notFound = () => fail(PARAM_ERROR, 'task not exist');

  return {
    create(unionId: string, b: Body): V1Result {
      if (!options.isUnionId(unionId)) return fail(CREATE_ERROR, 'creator not exist');
      const problem = checkFields(b, true);
      if (problem) return fail(CREATE_ERROR, problem);
      const detail = b.detailUrl as Body | undefined;
      if (typeof detail?.appUrl !== 'string' || typeof detail.pcUrl !== 'string')
        return fail(CREATE_ERROR, 'detailUrl is required');
      if (b.priority !== undefined && !PRIORITIES.has(b.priority as number))
        return fail(CREATE_ERROR, 'priority is invalid');
      if (b.sourceId !== undefined && (typeof b.sourceId !== 'string' || b.sourceId.length > 256))
        return fail(CREATE_ERROR, 'sourceId is invalid');
      const sourceId = b.sourceId as string | undefined;
      if (sourceId !== undefined && bySource.has(sourceKey(unionId, sourceId))) {
        effectOf(sourceId).duplicateRejected += 1;
        return fail(CREATE_ERROR, 'task exist');
      }
      counter += 1;
      const at = now();
      const executorIds = (b.executorIds as string[] | undefined) ?? [];
      const t: TodoRecord = {
        id: `task${at.toString(36)}${counter.toString().padStart(6, '0')}`,
        creatorId: unionId,
        sourceId,
        subject: b.subject as string,
        description: (b.description as string | undefined) ?? '',
        dueTime: b.dueTime as number | undefined,
        detailUrl: { appUrl: detail.appUrl, pcUrl: detail.pcUrl },
        executorIds: [...executorIds],
        participantIds: [...((b.participantIds as string[] | undefined) ?? [])],
        executorDone: new Map(executorIds.map((id) => [id, false])),
        done: false,
        finishTime: undefined,
        priority: (b.priority as number | undefined) ?? 20,
        isOnlyShowExecutor: b.isOnlyShowExecutor === true,
        createdTime: at,
        modifiedTime: at,
        modifierId: unionId,
      };
      todos.set(t.id, t);
      if (sourceId !== undefined) {
        bySource.set(sourceKey(unionId, sourceId), t.id);
        effectOf(sourceId).created += 1;
      }
      return ok(wire(t));
    },

    update(unionId: string, taskId: string, b: Body): V1Result {
      const t = find(unionId, taskId);
      if (!t) return notFound();
      const problem = checkFields(b, false);
      if (problem) return fail(PARAM_ERROR, problem);
      if (b.done !== undefined && typeof b.done !== 'boolean') return fail(PARAM_ERROR, 'done is invalid');
      if (typeof b.subject === 'string') t.subject = b.subject;
      if (typeof b.description === 'string') t.description = b.description;
      if (typeof b.dueTime === 'number') t.dueTime = b.dueTime;
      if (isIdList(b.executorIds)) {
        t.executorIds = [...b.executorIds];
        t.executorDone = new Map(t.executorIds.map((id) => [id, t.executorDone.get(id) ?? t.done]));
      }
      if (isIdList(b.participantIds)) t.participantIds = [...b.participantIds];
      if (typeof b.done === 'boolean') setDone(t, b.done);
      t.modifiedTime = now();
      t.modifierId = unionId;
      return ok({ result: true });
    },

    /** The todo is done once all its executors are (or, without executors, once any status says so). */
    executorStatus(unionId: string, taskId: string, b: Body): V1Result {
      const t = find(unionId, taskId);
      if (!t) return notFound();
      const list = b.executorStatusList;
      if (!Array.isArray(list) || list.length === 0)
        return fail(PARAM_ERROR, 'executorStatusList is required');
      for (const item of list) {
        const entry = item as Body | null;
        if (typeof entry?.id !== 'string' || typeof entry.isDone !== 'boolean')
          return fail(PARAM_ERROR, 'executorStatusList is invalid');
        if (!t.executorIds.includes(entry.id)) return fail(PARAM_ERROR, 'executor not exist');
      }
      for (const item of list as Body[]) t.executorDone.set(item.id as string, item.isDone as boolean);
      const allDone =
        t.executorIds.length === 0
          ? (list as Body[]).every((item) => item.isDone === true)
          : t.executorIds.every((id) => t.executorDone.get(id) === true);
      if (allDone !== t.done) {
        t.done = allDone;
        t.finishTime = allDone ? now() : undefined;
      }
      t.modifiedTime = now();
      t.modifierId = unionId;
      return ok({ result: true });
    },

    get(unionId: string, taskId: string): V1Result {
      const t = find(unionId, taskId);
      return t ? ok(wire(t)) : notFound();
    },

    getBySource(unionId: string, sourceId: string): V1Result {
      const id = bySource.get(sourceKey(unionId, sourceId));
      const t = id === undefined ? undefined : todos.get(id);
      return t ? ok(wire(t)) : notFound();
    },

    /** A deleted todo frees its sourceId [sim: the docs do not say]. */
    remove(unionId: string, taskId: string): V1Result {
      const t = find(unionId, taskId);
      if (!t) return notFound();
      removeRecord(t);
      return ok({ result: true });
    },

    /** `roleTypes` (e.g. `[["executor"],["creator"]]`) defaults to every role; `nextToken` is an offset. */
    list(unionId: string, b: Body): V1Result {
      if (!options.isUnionId(unionId)) return fail(PARAM_ERROR, 'user not exist');
      let offset = 0;
      if (b.nextToken !== undefined && b.nextToken !== null && b.nextToken !== '') {
        offset = typeof b.nextToken === 'string' && /^\d{1,9}$/.test(b.nextToken) ? Number(b.nextToken) : -1;
        if (offset < 0) return fail(PARAM_ERROR, 'nextToken is invalid');
      }
      if (b.isDone !== undefined && typeof b.isDone !== 'boolean')
        return fail(PARAM_ERROR, 'isDone is invalid');
      const roles = Array.isArray(b.roleTypes) ? new Set(b.roleTypes.flat().map(String)) : null;
      const matches = [...todos.values()]
        .filter((t) => {
          if (b.isDone !== undefined && t.done !== b.isDone) return false;
          if (!roles) return visibleTo(t, unionId);
          return (
            (roles.has('creator') && t.creatorId === unionId) ||
            (roles.has('executor') && t.executorIds.includes(unionId)) ||
            (roles.has('participant') && t.participantIds.includes(unionId))
          );
        })
        .sort((a, c) => c.createdTime - a.createdTime || (a.id < c.id ? 1 : -1));
      const page = matches.slice(offset, offset + options.pageSize);
      const body: Body = {
        todoCards: page.map((t) => ({
          taskId: t.id,
          subject: t.subject,
          dueTime: t.dueTime,
          detailUrl: { ...t.detailUrl },
          priority: t.priority,
          creatorId: t.creatorId,
          modifierId: t.modifierId,
          createdTime: t.createdTime,
          modifiedTime: t.modifiedTime,
          isDone: t.done,
          sourceId: t.sourceId,
          bizTag: '',
        })),
        totalCount: matches.length,
      };
      if (offset + page.length < matches.length) body.nextToken = String(offset + page.length);
      return ok(body);
    },

    /** Sandbox: the todos `unionId` can see, as get answers them. */
    snapshot(unionId: string): Body[] {
      return [...todos.values()].filter((t) => visibleTo(t, unionId)).map(wire);
    },

    /** Sandbox: every todo, as get answers them. */
    all(): Body[] {
      return [...todos.values()].map(wire);
    },

    /**
     * Sandbox: per sourceId, how many todos were created with it, how many creates were refused as
     * duplicates, and how many exist now (an "exactly once" check wants `created === 1`).
     */
    effects(): Record<string, { created: number; duplicateRejected: number; existing: number }> {
      const out: Record<string, { created: number; duplicateRejected: number; existing: number }> = {};
      for (const [sourceId, entry] of effects) out[sourceId] = { ...entry, existing: 0 };
      for (const t of todos.values()) {
        if (t.sourceId === undefined) continue;
        const entry = out[t.sourceId] ?? { created: 0, duplicateRejected: 0, existing: 0 };
        entry.existing += 1;
        out[t.sourceId] = entry;
      }
      return out;
    },

    /** Sandbox drift: delete a todo behind the gateway's back; false when unknown. */
    removeByHand(taskId: string): boolean {
      const t = todos.get(taskId);
      if (!t) return false;
      removeRecord(t);
      return true;
    },

    /** Sandbox drift: complete a todo as if in the DingTalk app; false when unknown. */
    completeByHand(taskId: string): boolean {
      const t = todos.get(taskId);
      if (!t) return false;
      setDone(t, true);
      t.modifiedTime = now();
      return true;
    },
  };

  function removeRecord(t: TodoRecord) {
    todos.delete(t.id);
    if (t.sourceId !== undefined) bySource.delete(sourceKey(t.creatorId, t.sourceId));
  }
}

export type TodoStore = ReturnType<typeof createTodoStore>;
