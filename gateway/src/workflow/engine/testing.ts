/**
 * A test harness for the workflow engine: a tiny fictitious org, an in-memory {@link EngineEnv} and
 * {@link Sim}, which applies commands to one case the way the workflow service and repository do
 * (a new FlowRun per command over the same state, row_version bumped after each write, timers kept
 * and cancelled as the repository keeps them, a failed command rolled back).
 */
import {
  type ApproverNode,
  type AssigneeRule,
  type AutomaticNode,
  type CcNode,
  type ConditionBranch,
  type ConditionNode,
  checkFlow,
  type EndNode,
  type FlowDefinition,
  type FlowNode,
  type ParallelBranch,
  type ParallelNode,
  type TimeLimit,
} from '@gcrm/config/catalog';
import { compileCondition, type Facts } from '../../platform/conditions';
import { AppError } from '../../platform/errors';
import type { OutboxMessage } from '../../platform/outbox/outbox';
import { type Actor, type CaseProgress, type EngineEnv, FlowRun } from './engine';
import { FlowIndex } from './flow-index';
import type { HistoryRow, LoadedState, NodeRow, TaskKind, TaskRow, TaskStatus, TimerRow } from './rows';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Monday 2026-03-02 09:00 China time. */
export const START = Date.parse('2026-03-02T09:00:00+08:00');
export const CITIZEN = 'citizen-1';

// ── the org ─────────────────────────────────────────────────────────────────────────────────

interface Department {
  name: string;
  parent?: string;
  head: string;
  /** staff id → role codes */
  members: Record<string, string[]>;
}

/** A small city: the government, four bureaus, a section below 人社局 and the supervision office. */
export const ORG: Record<string, Department> = {
  gov: { name: '市人民政府', head: 'gov-head', members: { 'gov-head': ['head'] } },
  hrss: {
    name: '市人社局',
    parent: 'gov',
    head: 'hr-head',
    members: {
      'hr-1': ['clerk'],
      'hr-2': ['clerk'],
      'hr-3': ['clerk'],
      'hr-chief': ['chief'],
      'hr-head': ['head'],
      'hr-left': ['clerk'],
    },
  },
  'hrss-pension': { name: '养老保险科', parent: 'hrss', head: 'pen-1', members: { 'pen-1': ['clerk'] } },
  amr: {
    name: '市市场监管局',
    parent: 'gov',
    head: 'amr-head',
    members: { 'amr-1': ['clerk'], 'amr-2': ['clerk'], 'amr-head': ['head'] },
  },
  tax: {
    name: '市税务局',
    parent: 'gov',
    head: 'tax-head',
    members: { 'tax-1': ['clerk'], 'tax-2': ['clerk'], 'tax-head': ['head'] },
  },
  supervision: {
    name: '市政府督查室',
    parent: 'gov',
    head: 'sup-head',
    members: { 'sup-1': ['supervisor'], 'sup-2': ['supervisor'], 'sup-head': ['head'] },
  },
};

/** Listed in 人社局 but no longer working there. */
export const INACTIVE: ReadonlySet<string> = new Set(['hr-left']);

const isActive = (id: string) =>
  !INACTIVE.has(id) && Object.values(ORG).some((d) => Object.hasOwn(d.members, id));

function below(department: string, ancestor: string): boolean {
  for (let d: string | undefined = department; d; d = ORG[d]?.parent) if (d === ancestor) return true;
  return false;
}

function headOf(department: string, level = 1): string | undefined {
  let d: string | undefined = department;
  for (let i = 1; i < level && d; i++) d = ORG[d]?.parent;
  return d ? ORG[d]?.head : undefined;
}

function resolve(rule: AssigneeRule, department: string, facts: Facts): string[] {
  const members = (code: string) => Object.entries(ORG[code]?.members ?? {});
  switch (rule.type) {
    case 'user':
      return rule.users.filter(isActive);
    case 'role':
      return members(rule.department ?? department)
        .filter(([id, roles]) => roles.includes(rule.role) && isActive(id))
        .map(([id]) => id);
    case 'department':
      return members(rule.department ?? department)
        .map(([id]) => id)
        .filter(isActive);
    case 'departmentHead': {
      const head = headOf(rule.department ?? department, rule.level);
      return head ? [head] : [];
    }
    case 'rule': {
      const hit = rule.cases.find((c) => compileCondition(c.when as never)(facts));
      const chosen = hit?.assignees ?? rule.otherwise;
      return chosen ? resolve(chosen, department, facts) : [];
    }
    case 'ruleSet':
      // The engine's tests have no rule sets: the fallback decides.
      return resolve(rule.otherwise, department, facts);
  }
}

/** The engine's view of the world at `now`: the org above, deadlines as plain "+N days / hours". */
export function testEnv(now: number, facts: Facts, newId: () => string): EngineEnv {
  return {
    now,
    newId,
    facts,
    resolve,
    headOf: (d) => headOf(d),
    isMember: (staffId, department) =>
      isActive(staffId) &&
      Object.entries(ORG).some(([code, d]) => Object.hasOwn(d.members, staffId) && below(code, department)),
    isActiveStaff: isActive,
    departmentName: (code) => ORG[code]?.name ?? code,
    deadline: (from: number, limit: TimeLimit) =>
      from + (limit.workingDays ?? 0) * DAY + (limit.hours ?? 0) * HOUR,
    shiftWorkingHours: (from, hours) => from + hours * HOUR,
    workingHoursBetween: (from, to) => (to - from) / HOUR,
  };
}

// ── flow builders ───────────────────────────────────────────────────────────────────────────

export const users = (...ids: string[]): AssigneeRule => ({ type: 'user', users: ids });

/** An approver node of 人社局 (会签 by default) for the listed people; a rejection ends the case. */
export function approver(id: string, people: string[], extra: Partial<ApproverNode> = {}): ApproverNode {
  return {
    id,
    name: `${id} 审批`,
    type: 'approver',
    department: 'hrss',
    mode: 'all',
    assignees: people.length > 0 ? [users(...people)] : [],
    onReject: { action: 'end' },
    ...extra,
  };
}

export const cc = (id: string, people: string[], extra: Partial<CcNode> = {}): CcNode => ({
  id,
  name: `${id} 抄送`,
  type: 'cc',
  recipients: [users(...people)],
  ...extra,
});

export const condition = (id: string, branches: ConditionBranch[]): ConditionNode => ({
  id,
  name: `${id} 条件`,
  type: 'condition',
  branches,
});

export const parallel = (id: string, branches: ParallelBranch[]): ParallelNode => ({
  id,
  name: `${id} 并行`,
  type: 'parallel',
  branches,
});

export const end = (id: string, outcome: 'approved' | 'rejected'): EndNode => ({
  id,
  name: `${id} 结束`,
  type: 'end',
  outcome,
});

export const rulesCheck = (
  id: string,
  conditions: { when: Record<string, unknown>; message: string }[],
  otherwise: 'reject' | 'return-to-applicant',
): AutomaticNode => ({
  id,
  name: `${id} 预审`,
  type: 'automatic',
  action: { type: 'rules', conditions, otherwise },
});

export const connector = (id: string, extra: Partial<AutomaticNode> = {}): AutomaticNode => ({
  id,
  name: `${id} 推送`,
  type: 'automatic',
  department: 'amr',
  action: { type: 'connector', connector: 'oa', operation: 'push', params: { form: 'x' } },
  ...extra,
});

export function flow(nodes: FlowNode[], extra: Partial<FlowDefinition> = {}): FlowDefinition {
  return { id: 'test-flow', version: 1, name: '测试流程', department: 'hrss', nodes, ...extra };
}

// ── the simulator ───────────────────────────────────────────────────────────────────────────

export type TaskRef = TaskRow | string;

export interface SimOptions {
  /** Form data (facts `form.*`). */
  form?: Record<string, unknown>;
  now?: number;
  /** Skip checkFlow (for flows the catalog would refuse). */
  unchecked?: boolean;
}

interface Snapshot {
  instance: LoadedState['instance'];
  nodes: [NodeRow, NodeRow][];
  tasks: [TaskRow, TaskRow][];
}

/**
 * One case on one flow. Commands run as the workflow service runs them; what each run recorded is
 * accumulated (history, messages, progress, timers). A command that throws leaves the state as it
 * was, like a rolled-back transaction.
 */
export class Sim {
  readonly index: FlowIndex;
  readonly state: LoadedState;
  now: number;
  form: Record<string, unknown>;
  readonly history: HistoryRow[] = [];
  readonly messages: OutboxMessage[] = [];
  readonly progress: CaseProgress[] = [];
  readonly timers: TimerRow[] = [];
  readonly runs: FlowRun[] = [];
  /** Time each command takes: commands of one case never share a timestamp. */
  step = 60_000;
  private ids = 0;

  constructor(definition: FlowDefinition | FlowNode[], options: SimOptions = {}) {
    const def = Array.isArray(definition) ? flow(definition) : definition;
    if (!options.unchecked) {
      const problems = checkFlow(def);
      if (problems.length > 0) throw new Error(`test flow is not sound:\n${problems.join('\n')}`);
    }
    this.index = new FlowIndex(def);
    this.now = options.now ?? START;
    this.form = options.form ?? {};
    this.state = {
      instance: {
        id: 'instance-1',
        case_id: 'case-1',
        case_number: 'GC20260302000001',
        service_code: 'test.service',
        citizen_id: CITIZEN,
        flow_id: def.id,
        flow_version: def.version,
        department: def.department,
        status: 'running',
        accepted_at: null,
        started_at: this.now,
        ended_at: null,
        due_at: null,
        state: {},
        row_version: 1,
      },
      nodes: [],
      tasks: [],
    };
  }

  get instance() {
    return this.state.instance;
  }

  get last(): FlowRun {
    const run = this.runs.at(-1);
    if (!run) throw new Error('no command ran yet');
    return run;
  }

  get facts(): Facts {
    return { form: this.form, case: { serviceCode: 'test.service', channel: 'wechat' } };
  }

  env(): EngineEnv {
    return testEnv(this.now, this.facts, () => `id-${++this.ids}`);
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  /** Runs one command as `actor`; its results are kept, or on an error the state is restored. */
  exec<T>(actor: Actor, command: (run: FlowRun) => T, isStart = false): T {
    if (!isStart) this.now += this.step;
    const before = this.snapshot();
    const run = new FlowRun(this.index, this.state, this.env(), actor);
    let result: T;
    try {
      result = command(run);
    } catch (error) {
      this.restore(before);
      throw error;
    }
    this.runs.push(run);
    this.history.push(...run.history);
    this.messages.push(...run.messages);
    this.progress.push(...run.progress);
    // As the repository: all pending timers go when the case ends, else those of closed node rows;
    // the run's own timers are written afterwards (and not at all when the case ended).
    const cancelled = new Set(run.cancelNodeTimers);
    for (const t of this.timers) {
      if (
        t.status === 'pending' &&
        (run.cancelAllTimers ||
          cancelled.has(t.node_instance_id ?? '') ||
          (run.cancelCaseTimers && (t.kind === 'case-due' || t.kind === 'case-near')))
      )
        t.status = 'cancelled';
    }
    if (!run.cancelAllTimers) this.timers.push(...run.timers);
    if (!isStart) this.state.instance.row_version += 1;
    return result;
  }

  // ── commands ──

  start(): this {
    this.exec({ type: 'citizen', id: CITIZEN }, (run) => run.start(), true);
    return this;
  }

  claim(task: TaskRef, staffId: string): TaskRow {
    return this.exec(staff(staffId), (run) => run.claim(this.id(task), staffId));
  }

  approve(task: TaskRef, by?: string, comment: string | null = null): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.approve(id, who, comment));
  }

  reject(task: TaskRef, by?: string, comment: string | null = '不符合条件'): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.reject(id, who, comment));
  }

  sendBack(task: TaskRef, target: string, by?: string, comment: string | null = '请重新审核'): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.sendBack(id, who, target, comment));
  }

  transfer(task: TaskRef, to: string, by?: string): TaskRow {
    const [id, who] = this.who(task, by);
    return this.exec(staff(who), (run) => run.transfer(id, who, to, '请协助办理'));
  }

  addApprovers(
    task: TaskRef,
    people: string[],
    position: 'before' | 'after' | 'parallel',
    by?: string,
  ): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.addApprovers(id, who, people, position, '请一并审核'));
  }

  carbonCopy(task: TaskRef, people: string[], by?: string): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.carbonCopy(id, who, people, '请知悉'));
  }

  markRead(task: TaskRef, by?: string): void {
    const [id, who] = this.who(task, by);
    this.exec(staff(who), (run) => run.markRead(id, who));
  }

  urge(actor: Actor = { type: 'citizen', id: CITIZEN }): TaskRow[] {
    return this.exec(actor, (run) => run.urge('请尽快办理'));
  }

  supervise(by = 'sup-1'): void {
    this.exec(staff(by), (run) => run.supervise('请加快办理'));
  }

  withdraw(citizenId = CITIZEN): void {
    this.exec({ type: 'citizen', id: citizenId }, (run) => run.withdraw(citizenId, '不想办了'));
  }

  resume(citizenId = CITIZEN): void {
    this.exec({ type: 'citizen', id: citizenId }, (run) => run.resumeAfterCorrection(citizenId));
  }

  automaticResult(row: NodeRow | string, outcome: 'approved' | 'rejected', note: string | null = null): void {
    const id = typeof row === 'string' ? row : row.id;
    this.exec({ type: 'system', id: 'oa' }, (run) => run.automaticResult(id, outcome, note));
  }

  /** Fires one timer (whatever its status: the engine's own guards are under test). */
  fire(timer: TimerRow): void {
    timer.status = 'done';
    timer.fired_at = this.now;
    timer.fired_by = 'sim';
    this.exec({ type: 'system' }, (run) => run.fire(timer));
  }

  /** Fires every pending timer due by now, earliest first (also those the firing itself adds). */
  fireDue(): TimerRow[] {
    const fired: TimerRow[] = [];
    for (;;) {
      const next = this.timers
        .filter((t) => t.status === 'pending' && t.due_at <= this.now)
        .sort((a, b) => a.due_at - b.due_at)[0];
      if (!next) return fired;
      this.fire(next);
      fired.push(next);
    }
  }

  // ── look-ups ──

  tasks(filter: { node?: string; assignee?: string; status?: TaskStatus; kind?: TaskKind } = {}): TaskRow[] {
    return this.state.tasks.filter(
      (t) =>
        (filter.node === undefined || t.node_id === filter.node) &&
        (filter.assignee === undefined || t.assignee_id === filter.assignee) &&
        (filter.status === undefined || t.status === filter.status) &&
        t.kind === (filter.kind ?? 'approval'),
    );
  }

  /** Open approval tasks (of one node). */
  open(node?: string): TaskRow[] {
    return this.tasks({ node, status: 'open' });
  }

  /** Who holds the open approval tasks (of one node), in creation order. */
  holders(node?: string): (string | null)[] {
    return this.open(node).map((t) => t.assignee_id);
  }

  /** The one open approval task of `node` (held by `assignee`). */
  task(node: string, assignee?: string): TaskRow {
    const found = this.open(node).filter((t) => assignee === undefined || t.assignee_id === assignee);
    if (found.length !== 1) {
      throw new Error(`expected one open task at ${node} for ${assignee ?? 'anyone'}, found ${found.length}`);
    }
    return found[0]!;
  }

  ccs(node?: string): TaskRow[] {
    return this.tasks({ node, kind: 'cc' });
  }

  rows(node: string): NodeRow[] {
    return this.state.nodes.filter((n) => n.node_id === node);
  }

  /** The latest row of a node. */
  row(node: string): NodeRow {
    const row = this.rows(node).at(-1);
    if (!row) throw new Error(`node ${node} never ran`);
    return row;
  }

  /** Ids of the nodes running now. */
  active(): string[] {
    return this.state.nodes.filter((n) => n.status === 'active').map((n) => n.node_id);
  }

  topics(): string[] {
    return this.messages.map((m) => m.topic);
  }

  sent(topic: string): OutboxMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  actions(): string[] {
    return this.history.map((h) => h.action);
  }

  /** Progress entries as `type` or `type→toStatus`. */
  progressLog(): string[] {
    return this.progress.map((p) => (p.toStatus ? `${p.type}→${p.toStatus}` : p.type));
  }

  /** The 退回 targets offered at `node` now. */
  returnTargets(node: string): string[] {
    return new FlowRun(this.index, this.state, this.env(), { type: 'system' }).returnTargetsOf(node);
  }

  pending(kind?: TimerRow['kind']): TimerRow[] {
    return this.timers.filter((t) => t.status === 'pending' && (kind === undefined || t.kind === kind));
  }

  // ── internals ──

  private id(task: TaskRef): string {
    return typeof task === 'string' ? task : task.id;
  }

  private who(task: TaskRef, by: string | undefined): [string, string] {
    const row = typeof task === 'string' ? this.state.tasks.find((t) => t.id === task) : task;
    const who = by ?? row?.assignee_id ?? row?.candidates?.[0];
    if (!who) throw new Error(`say who acts on task ${this.id(task)}`);
    return [this.id(task), who];
  }

  private snapshot(): Snapshot {
    return {
      instance: structuredClone(this.state.instance),
      nodes: this.state.nodes.map((n) => [n, structuredClone(n)]),
      tasks: this.state.tasks.map((t) => [t, structuredClone(t)]),
    };
  }

  private restore(s: Snapshot): void {
    Object.assign(this.state.instance, s.instance);
    for (const [row, copy] of s.nodes) Object.assign(row, copy);
    for (const [task, copy] of s.tasks) Object.assign(task, copy);
    this.state.nodes.length = s.nodes.length;
    this.state.tasks.length = s.tasks.length;
  }
}

const staff = (id: string): Actor => ({ type: 'staff', id });

/** The AppError `fn` throws; fails when it throws nothing or another kind of error. */
export function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, nothing was thrown');
}
