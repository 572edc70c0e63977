import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Db } from '../platform/db/database';
import { insertStatement } from '../platform/db/insert-statement';
import type { SqlBatch } from '../platform/db/sql-batch';
import type { Tx } from '../platform/db/transaction';
import { updateMany, updateManyQuery } from '../platform/db/update-many';
import type { FlowRun } from './engine/engine';
import type { HistoryRow, InstanceRow, LoadedState, NodeRow, TaskRow, TimerRow } from './engine/rows';

type Json<T, K extends keyof T> = Omit<T, K> & { [P in K]: string };
type InstanceDb = Json<InstanceRow, 'state'>;
type NodeDb = Json<NodeRow, 'state'>;
type TaskDb = Omit<TaskRow, 'candidates'> & { candidates: string | null };
type HistoryDb = Omit<HistoryRow, 'details'> & { details: string | null };
type TimerDb = Json<TimerRow, 'payload'>;

export interface WorkflowTables {
  wf_flows: {
    flow_id: string;
    version: number;
    definition: string;
    checksum: string;
    published_at: number;
    published_by: string;
  };
  wf_instances: InstanceDb & { written_by?: string | null };
  wf_nodes: NodeDb;
  wf_tasks: TaskDb;
  wf_task_candidates: { staff_id: string; task_id: string };
  wf_history: HistoryDb;
  wf_timers: TimerDb;
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<WorkflowTables>;

const INSTANCE_COLUMNS = [
  'id',
  'case_id',
  'case_number',
  'service_code',
  'citizen_id',
  'flow_id',
  'flow_version',
  'department',
  'status',
  'accepted_at',
  'started_at',
  'ended_at',
  'due_at',
  'state',
  'row_version',
] as const;

const TASK_COLUMNS = [
  'id',
  'instance_id',
  'node_instance_id',
  'node_id',
  'node_name',
  'kind',
  'case_id',
  'case_number',
  'service_code',
  'department',
  'assignee_id',
  'candidates',
  'status',
  'outcome',
  'origin',
  'parent_task_id',
  'seq',
  'created_at',
  'claimed_at',
  'completed_at',
  'due_at',
  'urged_at',
  'supervised_at',
  'row_version',
] as const;

const NODE_COLUMNS = [
  'id',
  'instance_id',
  'node_id',
  'node_type',
  'round',
  'status',
  'outcome',
  'state',
  'started_at',
  'ended_at',
  'due_at',
] as const;

/** How {@link WorkflowRepository.load} finds a case's state. */
export type StateRef =
  | { instanceId: string }
  | { taskId: string }
  | { caseId: string }
  | { nodeInstanceId: string };

const jsonOf = (columns: readonly string[]) =>
  `json_object(${columns.map((c) => `'${c}', \`${c}\``).join(', ')})`;

const LOAD_SQL: Record<string, string> = Object.fromEntries(
  (
    [
      ['instanceId', '?'],
      ['taskId', '(SELECT `instance_id` FROM `wf_tasks` WHERE `id` = ?)'],
      ['caseId', '(SELECT `id` FROM `wf_instances` WHERE `case_id` = ?)'],
      ['nodeInstanceId', '(SELECT `instance_id` FROM `wf_nodes` WHERE `id` = ?)'],
    ] as const
  ).map(([key, id]) => [
    key,
    `SELECT 'i' AS \`kind\`, ${jsonOf(INSTANCE_COLUMNS)} AS \`body\` FROM \`wf_instances\` WHERE \`id\` = ${id}
     UNION ALL SELECT 'n', ${jsonOf(NODE_COLUMNS)} FROM \`wf_nodes\` WHERE \`instance_id\` = ${id}
     UNION ALL SELECT 't', ${jsonOf(TASK_COLUMNS)} FROM \`wf_tasks\` WHERE \`instance_id\` = ${id}`,
  ]),
);

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toInstance(r: InstanceDb): InstanceRow {
  return {
    ...r,
    flow_version: Number(r.flow_version),
    accepted_at: num(r.accepted_at),
    started_at: Number(r.started_at),
    ended_at: num(r.ended_at),
    due_at: num(r.due_at),
    row_version: Number(r.row_version),
    state: JSON.parse(r.state),
  };
}

function toNode(r: NodeDb): NodeRow {
  return {
    ...r,
    round: Number(r.round),
    started_at: Number(r.started_at),
    ended_at: num(r.ended_at),
    due_at: num(r.due_at),
    state: JSON.parse(r.state),
  };
}

export function toTask(r: TaskDb): TaskRow {
  return {
    ...r,
    candidates: r.candidates ? JSON.parse(r.candidates) : null,
    seq: Number(r.seq),
    created_at: Number(r.created_at),
    claimed_at: num(r.claimed_at),
    completed_at: num(r.completed_at),
    due_at: num(r.due_at),
    urged_at: num(r.urged_at),
    supervised_at: num(r.supervised_at),
    row_version: Number(r.row_version),
  };
}

const toTimer = (r: TimerDb): TimerRow => ({
  ...r,
  due_at: Number(r.due_at),
  fired_at: num(r.fired_at),
  payload: JSON.parse(r.payload),
});

const instanceDb = (r: InstanceRow): InstanceDb => ({ ...r, state: JSON.stringify(r.state) });
const nodeDb = (r: NodeRow): NodeDb => ({ ...r, state: JSON.stringify(r.state) });
const taskDb = (r: TaskRow): TaskDb => ({
  ...r,
  candidates: r.candidates ? JSON.stringify(r.candidates) : null,
});

/** Rows of the workflow tables: loading one case's state and writing what a command changed. */
export class WorkflowRepository {
  private readonly db: Kysely<WorkflowTables>;
  private readonly insertInstance;
  constructor(db: Db) {
    this.db = asTables(db);
    this.insertInstance = insertStatement<InstanceDb>(db, 'wf_instances', INSTANCE_COLUMNS);
  }

  /** The instance of a case (or of one of its tasks or node rows). */
  async instanceIdOf(ref: StateRef): Promise<string | undefined> {
    return (await this.load(ref))?.instance.id;
  }

  /**
   * One case's state in ONE round trip: the instance, its node rows and its tasks as JSON rows of a
   * UNION ALL (json_object and backquoted names mean the same on MySQL and SQLite). Found by the
   * instance, or by one of its tasks, node rows or its case.
   */
  async load(ref: string | StateRef): Promise<LoadedState | undefined> {
    const by: StateRef = typeof ref === 'string' ? { instanceId: ref } : ref;
    const [key, value] = Object.entries(by)[0] as [keyof StateRef, string];
    const result = await this.db.executeQuery<{ kind: string; body: string }>(
      CompiledQuery.raw(LOAD_SQL[key]!, [value, value, value]),
    );
    let instance: InstanceRow | undefined;
    const nodes: NodeRow[] = [];
    const tasks: TaskRow[] = [];
    for (const row of result.rows) {
      const body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
      if (row.kind === 'i') instance = toInstance(body);
      else if (row.kind === 'n') nodes.push(toNode(body));
      else tasks.push(toTask(body));
    }
    if (!instance) return undefined;
    return {
      instance,
      nodes: nodes.sort((a, b) => a.started_at - b.started_at || a.round - b.round),
      tasks: tasks.sort((a, b) => a.created_at - b.created_at || a.seq - b.seq),
    };
  }

  async history(instanceId: string): Promise<HistoryRow[]> {
    const rows = await this.db
      .selectFrom('wf_history')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      ...r,
      seq: Number(r.seq),
      created_at: Number(r.created_at),
      details: r.details ? JSON.parse(r.details) : null,
    }));
  }

  /**
   * Writes what several commands changed, in the caller's transaction. Each instance row is written
   * first, guarded by the row_version its state was loaded with (null: a new instance, inserted); a
   * command whose guard fails writes nothing (false at its index). The rows of the others are then
   * written together: one multi-row insert per table, whatever the number of commands.
   */
  async persistAll(
    tx: Tx,
    items: { run: FlowRun; loadedVersion: number | null }[],
    batch: SqlBatch,
  ): Promise<boolean[]> {
    const t = asTables(tx);
    const ok = await this.guard(tx, items);
    const runs = items.filter((_, i) => ok[i]).map((item) => item.run);
    if (runs.length === 0) return ok;

    const tasks = runs.flatMap((r) => r.newTasks);
    const candidates = tasks.flatMap((task) =>
      (task.candidates ?? []).map((staff_id) => ({ staff_id, task_id: task.id })),
    );
    const history = runs.flatMap((r) => r.history);
    insertChunks(batch, t, 'wf_nodes', runs.flatMap((r) => r.newNodes).map(nodeDb));
    insertChunks(batch, t, 'wf_tasks', tasks.map(taskDb));
    insertChunks(batch, t, 'wf_task_candidates', candidates);
    insertChunks(
      batch,
      t,
      'wf_history',
      history.map((h) => ({ ...h, details: h.details ? JSON.stringify(h.details) : null })),
    );
    const dirtyNodes = runs.flatMap((r) => {
      const fresh = new Set(r.newNodes);
      return [...r.dirtyNodes].filter((n) => !fresh.has(n));
    });
    batch.add(
      updateManyQuery(
        'wf_nodes',
        'id',
        ['status', 'outcome', 'state', 'ended_at', 'due_at'],
        dirtyNodes.map((n) => ({
          key: n.id,
          values: [n.status, n.outcome, JSON.stringify(n.state), n.ended_at, n.due_at],
        })),
      ),
    );
    batch.add(
      updateManyQuery(
        'wf_tasks',
        'id',
        [
          'assignee_id',
          'candidates',
          'status',
          'outcome',
          'claimed_at',
          'completed_at',
          'urged_at',
          'supervised_at',
          'row_version',
        ],
        runs
          .flatMap((r) => [...r.dirtyTasks])
          .map((task) => ({
            key: task.id,
            values: [
              task.assignee_id,
              task.candidates ? JSON.stringify(task.candidates) : null,
              task.status,
              task.outcome,
              task.claimed_at,
              task.completed_at,
              task.urged_at,
              task.supervised_at,
              task.row_version,
            ],
          })),
      ),
    );
    const released = runs.flatMap((r) => r.releasedCandidates);
    if (released.length > 0) batch.add(t.deleteFrom('wf_task_candidates').where('task_id', 'in', released));
    const ended = runs.filter((r) => r.cancelAllTimers).map((r) => r.instance.id);
    if (ended.length > 0) {
      batch.add(
        t
          .updateTable('wf_timers')
          .set({ status: 'cancelled' })
          .where('instance_id', 'in', ended)
          .where('status', '=', 'pending'),
      );
    }
    const paused = runs.filter((r) => !r.cancelAllTimers && r.cancelCaseTimers).map((r) => r.instance.id);
    if (paused.length > 0) {
      batch.add(
        t
          .updateTable('wf_timers')
          .set({ status: 'cancelled' })
          .where('instance_id', 'in', paused)
          .where('kind', 'in', ['case-due', 'case-near'])
          .where('status', '=', 'pending'),
      );
    }
    const closed = runs.filter((r) => !r.cancelAllTimers).flatMap((r) => r.cancelNodeTimers);
    if (closed.length > 0) {
      batch.add(
        t
          .updateTable('wf_timers')
          .set({ status: 'cancelled' })
          .where('node_instance_id', 'in', closed)
          .where('status', '=', 'pending'),
      );
    }
    const timers = runs.filter((r) => !r.cancelAllTimers).flatMap((r) => r.timers);
    insertChunks(
      batch,
      t,
      'wf_timers',
      timers.map((x) => ({ ...x, payload: JSON.stringify(x.payload) })),
    );
    return ok;
  }

  /**
   * Writes the instance rows of a batch: new ones inserted, existing ones in one guarded update
   * (`row_version` as loaded). Each command stamps `written_by` with its own id, so that when fewer
   * rows changed than commands were given, one read tells which commands won. Two commands on the same
   * instance in one batch: the first wins (CASE takes the first match), the second is a conflict.
   */
  private async guard(tx: Tx, items: { run: FlowRun; loadedVersion: number | null }[]): Promise<boolean[]> {
    const ok = items.map((i) => i.loadedVersion === null);
    const fresh = items.filter((i) => i.loadedVersion === null).map((i) => instanceDb(i.run.instance));
    if (fresh.length === 1) await this.insertInstance(tx, fresh[0]!);
    else if (fresh.length > 1) await asTables(tx).insertInto('wf_instances').values(fresh).execute();
    const existing = items.flatMap((item, index) =>
      item.loadedVersion === null ? [] : [{ ...item, index }],
    );
    if (existing.length === 0) return ok;
    const tokens = existing.map(() => randomUUID());
    const changed = await updateMany(
      tx,
      'wf_instances',
      'id',
      ['status', 'accepted_at', 'ended_at', 'due_at', 'state', 'written_by'],
      existing.map(({ run }, k) => ({
        key: run.instance.id,
        values: [
          run.instance.status,
          run.instance.accepted_at,
          run.instance.ended_at,
          run.instance.due_at,
          JSON.stringify(run.instance.state),
          tokens[k],
        ],
      })),
      {
        column: 'row_version',
        values: existing.map((e) => e.loadedVersion),
        extra: sql`${sql.ref('row_version')} = ${sql.ref('row_version')} + 1`,
      },
    );
    if (changed === existing.length) {
      for (const e of existing) ok[e.index] = true;
      return ok;
    }
    const rows = await asTables(tx)
      .selectFrom('wf_instances')
      .select(['id', 'written_by'])
      .where(
        'id',
        'in',
        existing.map((e) => e.run.instance.id),
      )
      .execute();
    const winner = new Map(rows.map((r) => [r.id, r.written_by]));
    existing.forEach((e, k) => {
      ok[e.index] = winner.get(e.run.instance.id) === tokens[k];
    });
    return ok;
  }

  // ── timers ─────────────────────────────────────────────────────────────────────────────────

  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    const rows = await this.db
      .selectFrom('wf_timers')
      .selectAll()
      .where('status', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(toTimer);
  }

  /** Claims a timer inside the firing transaction: exactly one claimant sees `true`. */
  async claimTimer(tx: Tx, id: string, by: string, now: number): Promise<boolean> {
    const result = await asTables(tx)
      .updateTable('wf_timers')
      .set({ status: 'done', fired_at: now, fired_by: by })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives a claimed timer back (its effect could not be written): it fires on a later try. */
  async unclaimTimer(tx: Tx, id: string): Promise<void> {
    await asTables(tx)
      .updateTable('wf_timers')
      .set({ status: 'pending', fired_at: null, fired_by: null })
      .where('id', '=', id)
      .execute();
  }

  async timersOf(instanceId: string): Promise<TimerRow[]> {
    const rows = await this.db
      .selectFrom('wf_timers')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .orderBy('due_at')
      .execute();
    return rows.map(toTimer);
  }

  // ── worklists ──────────────────────────────────────────────────────────────────────────────

  async worklist(query: WorklistQuery): Promise<TaskRow[]> {
    let q = this.db.selectFrom('wf_tasks').selectAll('wf_tasks');
    const { box, staffId, after } = query;
    if (box === 'todo') {
      q = q.where('wf_tasks.kind', '=', 'approval').where('wf_tasks.status', '=', 'open');
      q = q.where((eb) =>
        eb.or([
          eb('wf_tasks.assignee_id', '=', staffId),
          eb(
            'wf_tasks.id',
            'in',
            eb.selectFrom('wf_task_candidates').select('task_id').where('staff_id', '=', staffId),
          ),
        ]),
      );
    } else if (box === 'done') {
      q = q
        .where('wf_tasks.kind', '=', 'approval')
        .where('wf_tasks.assignee_id', '=', staffId)
        .where('wf_tasks.status', 'in', ['completed', 'transferred']);
    } else if (box === 'cc') {
      q = q.where('wf_tasks.kind', '=', 'cc').where('wf_tasks.assignee_id', '=', staffId);
      if (query.unread) q = q.where('wf_tasks.status', '=', 'open');
    } else {
      q = q
        .where('wf_tasks.kind', '=', 'approval')
        .where('wf_tasks.department', 'in', query.departments ?? [])
        .where('wf_tasks.status', 'in', ['open', 'waiting']);
    }
    if (query.serviceCode) q = q.where('wf_tasks.service_code', '=', query.serviceCode);
    if (query.caseNumber) q = q.where('wf_tasks.case_number', '=', query.caseNumber);
    if (query.overdueAt !== undefined) q = q.where('wf_tasks.due_at', '<', query.overdueAt);
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('wf_tasks.created_at', '<', after.createdAt),
          eb.and([eb('wf_tasks.created_at', '=', after.createdAt), eb('wf_tasks.id', '<', after.id)]),
        ]),
      );
    }
    const rows = await q
      .orderBy('wf_tasks.created_at', 'desc')
      .orderBy('wf_tasks.id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map(toTask);
  }

  async counts(staffId: string): Promise<{ todo: number; ccUnread: number }> {
    const [todo, cc] = await Promise.all([
      this.db
        .selectFrom('wf_tasks')
        .select(sql<number>`count(*)`.as('n'))
        .where('kind', '=', 'approval')
        .where('status', '=', 'open')
        .where((eb) =>
          eb.or([
            eb('assignee_id', '=', staffId),
            eb(
              'id',
              'in',
              eb.selectFrom('wf_task_candidates').select('task_id').where('staff_id', '=', staffId),
            ),
          ]),
        )
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('wf_tasks')
        .select(sql<number>`count(*)`.as('n'))
        .where('kind', '=', 'cc')
        .where('status', '=', 'open')
        .where('assignee_id', '=', staffId)
        .executeTakeFirstOrThrow(),
    ]);
    return { todo: Number(todo.n), ccUnread: Number(cc.n) };
  }

  async instancesOf(flowId: string, version: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('wf_instances')
      .select('id')
      .where('flow_id', '=', flowId)
      .where('flow_version', '=', version)
      .where('status', 'in', ['running', 'correction'])
      .execute();
    return rows.map((r) => r.id);
  }

  /** Moves an instance to another flow version (node ids already rewritten by the caller). */
  async migrateInstance(
    tx: Tx,
    instance: InstanceRow,
    loadedVersion: number,
    toVersion: number,
    nodeIds: Map<string, string>,
    tasks: TaskRow[],
  ): Promise<boolean> {
    const t = asTables(tx);
    const result = await t
      .updateTable('wf_instances')
      .set({ flow_version: toVersion, row_version: loadedVersion + 1 })
      .where('id', '=', instance.id)
      .where('row_version', '=', loadedVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    for (const [rowId, nodeId] of nodeIds) {
      await t.updateTable('wf_nodes').set({ node_id: nodeId }).where('id', '=', rowId).execute();
    }
    for (const task of tasks) {
      await t
        .updateTable('wf_tasks')
        .set({ node_id: task.node_id, node_name: task.node_name })
        .where('id', '=', task.id)
        .execute();
    }
    return true;
  }
}

export interface WorklistQuery {
  box: 'todo' | 'done' | 'cc' | 'department';
  staffId: string;
  departments?: string[];
  serviceCode?: string;
  caseNumber?: string;
  /** Only tasks whose deadline is before this instant (overdue). */
  overdueAt?: number;
  unread?: boolean;
  after?: { createdAt: number; id: string };
  limit: number;
}

/** Multi-row inserts of at most 200 rows each (placeholder limits of both dialects stay far away). */
function insertChunks<K extends keyof WorkflowTables>(
  batch: SqlBatch,
  t: Kysely<WorkflowTables>,
  table: K,
  rows: WorkflowTables[K][],
): void {
  for (let i = 0; i < rows.length; i += 200) {
    // biome-ignore lint/suspicious/noExplicitAny: Kysely cannot relate a generic table key to its row type.
    batch.add(t.insertInto(table).values(rows.slice(i, i + 200) as any));
  }
}
