import {
  classifyDingtalkError,
  type DingtalkClient,
  type DingtalkTodo,
  type DingtalkTodoUpdate,
  isMissingTodoError,
} from '@gcrm/connectors/dingtalk';
import type { UnionIdOf } from '../integration/dingtalk-todo';
import type { Db } from '../platform/db/database';
import type { JobContext, JobDefinition } from '../scheduler';
import { type DriftItem, DriftRecorder } from './drift';

/** The DingTalk calls the reconciler makes (a {@link DingtalkClient} has them all). */
export type DingtalkTodoReconcileClient = Pick<
  DingtalkClient,
  'createTodo' | 'getTodo' | 'getTodoBySourceId' | 'updateTodo' | 'deleteTodo' | 'listTodos'
>;

export interface DingtalkTodoReconcileOptions {
  /** Tasks (and linked users) per batch; a checkpoint and a progress report follow each batch. Default 200. */
  batchSize?: number;
  /**
   * How far back closed tasks are checked (by `completed_at`): their todos must be done (or deleted,
   * when cancelled). Todos of tasks closed longer ago count as extra. Default 7 days.
   */
  closedWithinMs?: number;
  /** Safety cap on list pages read per DingTalk user. Default 200. */
  maxPagesPerUser?: number;
  now?: () => number;
}

export interface DingtalkTodoReconcileDeps {
  db: Db;
  client: DingtalkTodoReconcileClient;
  /** The staff member's DingTalk unionId (linked identity), as the todo sender resolves it. */
  unionIdOf: UnionIdOf;
  serviceName: (code: string) => string;
  /** Where the staff pages are (the gateway's public URL); todos link to `/staff/tasks/{taskId}`. */
  staffPagesBase: () => string;
  options?: DingtalkTodoReconcileOptions;
}

/** The job's name: its schedule key in config/jobs.json, its runs and its lock. */
export const DINGTALK_TODO_RECONCILE_JOB = 'reconcile.dingtalk.todos';

type Phase = 'open' | 'closed' | 'extra';
const PHASES: Phase[] = ['open', 'closed', 'extra'];
const CLOSED: readonly string[] = ['completed', 'cancelled', 'transferred'];
const REFUSED = '钉钉拒绝修复（人员可能已离职或无权限），请人工处理';

/** One difference: what differs (zh-CN) and what the repair did; the note is built from both. */
interface Difference {
  kind: string;
  ref: string;
  externalId?: string;
  what: string;
  fixed: string;
}

interface TaskRow {
  id: string;
  status: string;
  assignee_id: string | null;
  candidates: string | null;
  due_at: number | string | null;
  completed_at: number | string | null;
  case_number: string;
  service_code: string;
  node_name: string;
}

const TASK_COLUMNS = [
  'id',
  'status',
  'assignee_id',
  'candidates',
  'due_at',
  'completed_at',
  'case_number',
  'service_code',
  'node_name',
] as const;

/** Where a run stopped: the phase and the last task id (or unionId, in `extra`) it finished. */
export function parseCheckpoint(value: string | null): { phase: Phase; after: string } {
  const at = value?.indexOf(':') ?? -1;
  const phase = value?.slice(0, at) as Phase;
  return at > 0 && PHASES.includes(phase)
    ? { phase, after: (value as string).slice(at + 1) }
    : { phase: 'open', after: '' };
}

/**
 * `reconcile.dingtalk.todos`: makes every DingTalk 待办 match our approval tasks, and reports the drift
 * (kinds `todo.missing`, `todo.assignee`, `todo.state`, `todo.due`, `todo.extra`) through a
 * {@link DriftRecorder}: `repaired`, or `needs_person` when DingTalk refuses (e.g. a user who left).
 *
 * Three phases, each walked in batches by keyset (task id, then unionId), so a run costs the same per
 * item however many cases there are:
 * 1. **open** — every `open` approval task whose executors have DingTalk identities: the todo (looked up
 *    by `sourceId` = task id in the first executor's list, as the sender files it) exists (else it is
 *    created as the sender would), has those executors, is not done and has the task's due time.
 * 2. **closed** — tasks closed within `closedWithinMs`: a completed (or transferred) task's todo is done;
 *    a cancelled task's todo is deleted, as the sender does.
 * 3. **extra** — each linked user's open todos: one that points at our staff pages but whose `sourceId`
 *    is no task we know, or a task closed before the window, is completed with a note.
 *
 * It does not fight the live delivery worker: before each repair it re-reads the task and leaves alone
 * one that has moved on; creates are idempotent by `sourceId` (a duplicate create returns the todo).
 * A permanent refusal is recorded as `needs_person`; any other DingTalk failure ends the run with the
 * last batch's checkpoint, where the next run resumes. On `ctx.signal` it stops after the current batch
 * and returns the checkpoint (`<phase>:<last id>`).
 *
 * WeCom has nothing to reconcile: its app messages keep no state on WeCom's side (platforms.md §3.3) —
 * a sent message cannot be found, completed or corrected afterwards.
 *
 * @example
 * scheduler.register(dingtalkTodoReconcileJob({ db, client, unionIdOf, serviceName, staffPagesBase }));
 */
export function dingtalkTodoReconcileJob(deps: DingtalkTodoReconcileDeps): JobDefinition {
  return {
    name: DINGTALK_TODO_RECONCILE_JOB,
    title: '钉钉待办对账',
    maxRunMs: 60 * 60_000,
    run: (ctx) => new TodoReconcileRun(deps, ctx).run(),
  };
}

class TodoReconcileRun {
  private readonly db: Db;
  private readonly drift: DriftRecorder;
  private readonly batch: number;
  private readonly since: number;
  private readonly maxPages: number;
  private readonly unionIds = new Map<string, Promise<string | undefined>>();
  private readonly seenTodos = new Set<string>();
  private readonly counts: Record<string, number> = { openChecked: 0, closedChecked: 0, todosListed: 0 };

  constructor(
    private readonly deps: DingtalkTodoReconcileDeps,
    private readonly ctx: JobContext,
  ) {
    const o = deps.options ?? {};
    const now = o.now ?? Date.now;
    this.db = deps.db;
    this.drift = new DriftRecorder(deps.db, ctx.runId, DINGTALK_TODO_RECONCILE_JOB, now);
    this.batch = Math.max(1, o.batchSize ?? 200);
    this.since = now() - (o.closedWithinMs ?? 7 * 24 * 3_600_000);
    this.maxPages = o.maxPagesPerUser ?? 200;
  }

  async run() {
    const start = parseCheckpoint(this.ctx.checkpoint);
    for (const phase of PHASES.slice(PHASES.indexOf(start.phase))) {
      let after = phase === start.phase ? start.after : '';
      for (;;) {
        const last = await this.step(phase, after);
        if (last === undefined) break;
        after = last;
        const checkpoint = `${phase}:${after}`;
        await this.drift.flush();
        await this.ctx.progress({ counts: this.allCounts(), checkpoint });
        if (this.ctx.signal.aborted) return this.drift.outcome(this.counts, checkpoint);
      }
    }
    return this.drift.outcome(this.counts);
  }

  /** One batch of `phase` after `after`; the last id handled, or undefined when the phase is done. */
  private async step(phase: Phase, after: string): Promise<string | undefined> {
    if (phase === 'extra') {
      const users = await this.db
        .selectFrom('staff_identities')
        .select((eb) => ['union_id', eb.fn.max('staff_id').as('staff_id')])
        .where('provider', '=', 'dingtalk')
        .where('union_id', 'is not', null)
        .where('union_id', '>', after)
        .groupBy('union_id')
        .orderBy('union_id')
        .limit(this.batch)
        .execute();
      for (const u of users) await this.extrasOf(String(u.union_id), String(u.staff_id));
      return users.at(-1)?.union_id;
    }
    let q = this.db
      .selectFrom('wf_tasks')
      .select([...TASK_COLUMNS])
      .where('kind', '=', 'approval')
      .where('id', '>', after);
    q =
      phase === 'open'
        ? q.where('status', '=', 'open')
        : q.where('status', 'in', CLOSED).where('completed_at', '>=', this.since);
    const tasks: TaskRow[] = await q.orderBy('id').limit(this.batch).execute();
    for (const task of tasks) {
      if (phase === 'open') await this.checkOpen(task);
      else await this.checkClosed(task);
    }
    return tasks.at(-1)?.id;
  }

  private async checkOpen(listed: TaskRow): Promise<void> {
    this.counts.openChecked = (this.counts.openChecked ?? 0) + 1;
    const plan = await this.executors(listed);
    if (plan.executors.length === 0) return;
    const found = await this.find(listed.id, plan.owners);
    if (found && this.differences(listed, plan.executors, found.todo).length === 0) return;
    // Something differs: decide on the task as it is now, not as the batch read it.
    const task = await this.reload(listed.id);
    if (task?.status !== 'open') return;
    const now = await this.executors(task);
    const [owner] = now.executors;
    if (owner === undefined) return;
    if (!found) {
      const url = `${this.deps.staffPagesBase()}/staff/tasks/${task.id}`;
      const due = toNumber(task.due_at);
      await this.repair(
        { kind: 'todo.missing', ref: task.id, what: '待办缺失', fixed: '已重新创建' },
        async () => {
          const todo = await this.deps.client.createTodo(owner, {
            sourceId: task.id,
            subject: `【待办】${this.deps.serviceName(task.service_code)} ${task.case_number}：${task.node_name}`,
            ...(due ? { dueTime: due } : {}),
            executorIds: now.executors,
            detailUrl: { appUrl: url, pcUrl: url },
            isOnlyShowExecutor: true,
          });
          return todo.id;
        },
      );
      return;
    }
    const diffs = this.differences(task, now.executors, found.todo);
    if (diffs.length === 0) return;
    const update: DingtalkTodoUpdate = Object.assign({}, ...diffs.map((d) => d.update));
    await this.repairAll(
      diffs.map((d) => ({
        kind: d.kind,
        ref: task.id,
        externalId: found.todo.id,
        what: d.what,
        fixed: d.fixed,
      })),
      () => this.deps.client.updateTodo(found.owner, found.todo.id, update),
    );
  }

  private differences(task: TaskRow, executors: string[], todo: DingtalkTodo) {
    const out: { kind: string; what: string; fixed: string; update: DingtalkTodoUpdate }[] = [];
    const want = new Set(executors);
    if (todo.executorIds.length !== want.size || todo.executorIds.some((id) => !want.has(id)))
      out.push({
        kind: 'todo.assignee',
        what: '待办执行人与任务办理人不一致',
        fixed: '已更正',
        update: { executorIds: executors },
      });
    if (todo.done)
      out.push({
        kind: 'todo.state',
        what: '任务仍在办理中但待办已完成',
        fixed: '已恢复为未完成',
        update: { done: false },
      });
    const due = toNumber(task.due_at);
    // DingTalk cannot clear a due time (dueTime must be > 0): a task without one is left as it is.
    if (due && todo.dueTime !== due)
      out.push({
        kind: 'todo.due',
        what: '待办截止时间与任务不一致',
        fixed: '已更正',
        update: { dueTime: due },
      });
    return out;
  }

  private async checkClosed(listed: TaskRow): Promise<void> {
    this.counts.closedChecked = (this.counts.closedChecked ?? 0) + 1;
    const plan = await this.executors(listed);
    if (plan.executors.length === 0) return;
    const found = await this.find(listed.id, plan.owners);
    if (!found) return;
    const cancelled = listed.status === 'cancelled';
    if (!cancelled && found.todo.done) return;
    const task = await this.reload(listed.id);
    if (!task || !CLOSED.includes(task.status)) return;
    const item = { kind: 'todo.state', ref: task.id, externalId: found.todo.id };
    if (task.status === 'cancelled') {
      await this.repair({ ...item, what: '任务已取消但待办仍在', fixed: '已删除待办' }, async () => {
        await this.deps.client.deleteTodo(found.owner, found.todo.id);
        return found.todo.id;
      });
    } else if (!found.todo.done) {
      await this.repair({ ...item, what: '任务已办结但待办未完成', fixed: '已完成待办' }, async () => {
        await this.deps.client.updateTodo(found.owner, found.todo.id, { done: true });
        return found.todo.id;
      });
    }
  }

  private async extrasOf(unionId: string, staffId: string): Promise<void> {
    // Read the whole open list first: completing todos while paging would shift the offsets under us.
    const cards: { taskId: string; sourceId: string }[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await this.call(
        () => this.deps.client.listTodos(unionId, { isDone: false, ...(next ? { nextToken: next } : {}) }),
        {
          kind: 'todo.extra',
          ref: staffId,
          outcome: 'needs_person',
          note: '钉钉拒绝读取该工作人员的待办列表（人员可能已离职），无法核对多余待办，请人工处理',
        },
      );
      if (page === undefined) return;
      this.counts.todosListed = (this.counts.todosListed ?? 0) + page.cards.length;
      for (const c of page.cards) {
        if (c.sourceId && !c.done && !this.seenTodos.has(c.taskId)) {
          this.seenTodos.add(c.taskId);
          cards.push({ taskId: c.taskId, sourceId: c.sourceId });
        }
      }
      next = page.nextToken;
    } while (next && ++pages < this.maxPages);
    if (cards.length === 0) return;
    // Tasks are read after the list: a todo is created after its task commits, so every todo listed
    // for a live task finds that task here.
    const known = new Map<string, TaskRow>();
    const ids = [...new Set(cards.map((c) => c.sourceId))];
    for (let i = 0; i < ids.length; i += 500) {
      const rows: TaskRow[] = await this.db
        .selectFrom('wf_tasks')
        .select([...TASK_COLUMNS])
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) known.set(r.id, r);
    }
    const ours = `${this.deps.staffPagesBase()}/staff/tasks/`;
    for (const card of cards) {
      const task = known.get(card.sourceId);
      if (task && !(CLOSED.includes(task.status) && (toNumber(task.completed_at) ?? 0) < this.since))
        continue;
      const todo = await this.call(() => this.deps.client.getTodo(unionId, card.taskId), undefined);
      // Only todos we made (they open our staff pages) are ours to complete.
      if (!todo || todo.done || !todo.detailUrl?.appUrl.startsWith(ours)) continue;
      const what = task ? '待办对应的任务早已办结' : '待办对应的任务已不存在';
      const fixed = '已由对账自动完成';
      await this.repair(
        { kind: 'todo.extra', ref: card.sourceId, externalId: todo.id, what, fixed },
        async () => {
          await this.deps.client.updateTodo(unionId, todo.id, {
            done: true,
            description:
              `${todo.description ? `${todo.description}\n` : ''}【系统对账】${what}，${fixed}`.slice(
                0,
                4096,
              ),
          });
          return todo.id;
        },
      );
    }
  }

  /** Executors as the sender computes them (assignee, else candidates), and whose lists may hold the todo. */
  private async executors(task: TaskRow): Promise<{ executors: string[]; owners: string[] }> {
    const candidates: string[] = task.candidates ? JSON.parse(task.candidates) : [];
    const staff = task.assignee_id ? [task.assignee_id] : candidates;
    const executors = await this.unionIdsOf(staff);
    // A claimed group task's todo was filed under the first candidate, before the claim.
    const [first] = task.assignee_id ? await this.unionIdsOf(candidates) : [];
    const owners = [...new Set([executors[0], first].filter((id): id is string => id !== undefined))];
    return { executors, owners };
  }

  private async unionIdsOf(staff: string[]): Promise<string[]> {
    const ids = await Promise.all(
      staff.map((s) => {
        let id = this.unionIds.get(s);
        if (!id) {
          id = this.deps.unionIdOf(s);
          this.unionIds.set(s, id);
        }
        return id;
      }),
    );
    return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  }

  private async find(taskId: string, owners: string[]) {
    for (const owner of owners) {
      const todo = await this.deps.client.getTodoBySourceId(owner, taskId).catch((error) => {
        if (isMissingTodoError(error)) return undefined;
        // A user DingTalk no longer knows has no list to look in; the open phase then reports the create.
        if (classifyDingtalkError(error).kind === 'permanent') return undefined;
        throw error;
      });
      if (todo) return { owner, todo };
    }
    return undefined;
  }

  private async reload(id: string): Promise<TaskRow | undefined> {
    return this.db
      .selectFrom('wf_tasks')
      .select([...TASK_COLUMNS])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  private repair(item: Difference, act: () => Promise<string>): Promise<void> {
    return this.repairAll([item], act);
  }

  /** Runs one repair for `items`: all `repaired`, or all `needs_person` when DingTalk refuses it for good. */
  private async repairAll(
    items: Difference[],
    act: () => Promise<string | undefined> | Promise<void>,
  ): Promise<void> {
    let externalId: string | undefined;
    try {
      externalId = (await act()) ?? undefined;
    } catch (error) {
      if (classifyDingtalkError(error).kind !== 'permanent' || !isDingtalkError(error)) throw error;
      for (const { what, fixed: _, ...item } of items)
        await this.drift.add({ ...item, outcome: 'needs_person', note: `${what}，${REFUSED}` });
      return;
    }
    for (const { what, fixed, ...item } of items) {
      const id = item.externalId ?? externalId;
      await this.drift.add({
        ...item,
        ...(id ? { externalId: id } : {}),
        outcome: 'repaired',
        note: `${what}，${fixed}`,
      });
    }
  }

  /** A read that DingTalk may refuse for good: recorded as `needs_person` (when `refused` is given). */
  private async call<T>(read: () => Promise<T>, refused: DriftItem | undefined) {
    try {
      return await read();
    } catch (error) {
      if (classifyDingtalkError(error).kind !== 'permanent' || !isDingtalkError(error)) throw error;
      if (refused) await this.drift.add(refused);
      return undefined;
    }
  }

  private allCounts(): Record<string, number> {
    const counts = { ...this.counts };
    const t = this.drift.totals;
    counts.repaired = t.repaired;
    counts.needsPerson = t.needsPerson;
    return counts;
  }
}

/** DingTalk's own refusals carry `kind`; a bug or a database error must not be filed as drift. */
function isDingtalkError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'kind' in error;
}

function toNumber(value: number | string | null): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
