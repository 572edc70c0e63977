/**
 * The workflow engine's core: one command (start, approve, return, a timer firing …) applied to the
 * loaded state of one case, in memory and synchronously. It records every row it creates or changes,
 * the history entries, timers, outbox messages and case progress; the repository writes all of that
 * in one transaction guarded by the instance's row_version (optimistic concurrency). No I/O here:
 * the rules of 会签, 或签, 加签, 退回 … are tested without a database.
 */
import type {
  ApproverNode,
  AssigneeRule,
  FlowNode,
  ParallelNode,
  TaskAction,
  TimeLimit,
} from '@gcrm/config/catalog';
import { type CompiledCondition, compileCondition, type Facts } from '../../platform/conditions';
import { errors } from '../../platform/errors';
import type { OutboxMessage } from '../../platform/outbox/outbox';
import type { FlowIndex } from './flow-index';
import type {
  HistoryRow,
  InstanceRow,
  LoadedState,
  NodeRow,
  TaskOrigin,
  TaskRow,
  TimerKind,
  TimerRow,
} from './rows';

/** Who acts: a staff member, the applicant, or the system (timers, outside systems). */
export type Actor =
  | { type: 'staff'; id: string }
  | { type: 'citizen'; id: string }
  | { type: 'system'; id?: string };

/** What the engine needs from the world, all synchronous (the org directory and calendar are in memory). */
export interface EngineEnv {
  now: number;
  newId(): string;
  /** People a rule names, in order, for a node of `department`. */
  resolve(rule: AssigneeRule, department: string, facts: Facts): string[];
  headOf(department: string): string | undefined;
  /** Whether `staffId` is an active member of `department` or a department below it. */
  isMember(staffId: string, department: string): boolean;
  isActiveStaff(staffId: string): boolean;
  departmentName(code: string): string;
  /** Office hours of working days between two instants (how long a correction held the case). */
  workingHoursBetween(from: number, to: number): number;
  /** The deadline of a time limit started at `from` (working-day calendar). */
  deadline(from: number, limit: TimeLimit): number;
  /** `hours` working hours before `due` (for near-due reminders), or after it when negative. */
  shiftWorkingHours(from: number, hours: number): number;
  /** Facts for conditions: form data and case facts; loaded only for flows that need them. */
  facts: Facts;
}

/** A change to the case the citizen sees (status and a timeline entry in plain words). */
export interface CaseProgress {
  type: string;
  fromStatus: string;
  toStatus?: string;
  note: string;
}

const ALL_ACTIONS: TaskAction[] = ['approve', 'reject', 'return', 'transfer', 'addApprover', 'comment'];
const ORIGINAL: ReadonlySet<TaskOrigin> = new Set(['flow', 'transfer']);
const compiled = new WeakMap<object, CompiledCondition>();

function holds(condition: object, facts: Facts): boolean {
  let fn = compiled.get(condition);
  if (!fn) {
    fn = compileCondition(condition as Parameters<typeof compileCondition>[0]);
    compiled.set(condition, fn);
  }
  return fn(facts);
}

const notOpen = () => errors.conflict('task_not_open', '该任务已被处理或已撤销，请刷新待办后重试');

export class FlowRun {
  readonly newNodes: NodeRow[] = [];
  readonly newTasks: TaskRow[] = [];
  readonly dirtyNodes = new Set<NodeRow>();
  readonly dirtyTasks = new Set<TaskRow>();
  readonly history: HistoryRow[] = [];
  readonly timers: TimerRow[] = [];
  /** Timers to cancel: of these node rows, or all of the instance. */
  readonly cancelNodeTimers: string[] = [];
  /** Group tasks that were claimed or closed: their candidate rows go. */
  readonly releasedCandidates: string[] = [];
  cancelAllTimers = false;
  /** The case's own timers (case-due, case-near) go: its clock is paused for a correction. */
  cancelCaseTimers = false;
  readonly messages: OutboxMessage[] = [];
  readonly progress: CaseProgress[] = [];
  private ended = false;
  private historySeq: number;

  constructor(
    readonly index: FlowIndex,
    readonly state: LoadedState,
    readonly env: EngineEnv,
    readonly actor: Actor,
  ) {
    // History is ordered by seq: a command on state loaded at row_version v writes version v + 1.
    this.historySeq = (state.instance.row_version + 1) * 1000;
  }

  get instance(): InstanceRow {
    return this.state.instance;
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  /** Instantiates the flow for a new case: enters the first node (and on, through automatic ones). */
  start(): void {
    // A new instance is written as row_version 1: its history comes before any later command's.
    this.historySeq = this.instance.row_version * 1000;
    const limit = this.index.flow.timeLimit;
    this.record('started', { comment: null });
    if (limit) {
      const due = this.env.deadline(this.env.now, limit);
      this.instance.due_at = due;
      this.addTimer('case-due', due, {});
      if (limit.remindBeforeHours) {
        this.addTimer('case-near', this.env.shiftWorkingHours(due, -limit.remindBeforeHours), {});
      }
    }
    this.enterSequence(this.index.flow.nodes, 0, null, 0);
  }

  claim(taskId: string, staffId: string): TaskRow {
    const task = this.openTask(taskId);
    if (task.assignee_id) {
      if (task.assignee_id === staffId) return task;
      throw errors.conflict('task_already_claimed', '该任务已被其他同事签收');
    }
    if (!task.candidates?.includes(staffId))
      throw errors.forbidden('not_a_candidate', '您不在该任务的办理人范围内');
    task.assignee_id = staffId;
    task.candidates = null;
    this.releasedCandidates.push(task.id);
    task.claimed_at = this.env.now;
    this.touch(task);
    this.record('claimed', { task });
    return task;
  }

  approve(taskId: string, staffId: string, comment: string | null, attachments?: string[]): void {
    const task = this.actionable(taskId, staffId, 'approve');
    this.completeTask(task, 'approved');
    this.record('approved', { task, comment, details: attachments?.length ? { attachments } : null });
    this.afterApproval(task);
  }

  reject(taskId: string, staffId: string, comment: string | null, attachments?: string[]): void {
    const task = this.actionable(taskId, staffId, 'reject');
    this.completeTask(task, 'rejected');
    this.record('rejected', { task, comment, details: attachments?.length ? { attachments } : null });
    const row = this.nodeRow(task.node_instance_id);
    const node = this.index.node(row.node_id) as ApproverNode;
    this.closeNode(row, 'rejected', 'rejected');
    if (node.onReject.action === 'end') this.finish('rejected', comment);
    else this.returnTo(node.onReject.to, row, comment);
  }

  /** 退回: to an earlier node (it and everything after it run again), the previous one, or the applicant. */
  sendBack(taskId: string, staffId: string, target: string, comment: string | null): void {
    const task = this.actionable(taskId, staffId, 'return');
    const allowed = this.returnTargetsOf(task.node_id);
    if (target !== 'applicant' && target !== 'previous' && !allowed.includes(target)) {
      throw errors.validation([
        {
          pointer: '/target',
          code: 'invalid_return_target',
          message: '只能退回到已经办理过的前序节点或申请人',
        },
      ]);
    }
    this.completeTask(task, 'returned');
    this.record('returned', { task, comment, details: { target } });
    const row = this.nodeRow(task.node_instance_id);
    this.closeNode(row, 'returned', 'returned');
    this.returnTo(target, row, comment);
  }

  /** 转交: the task moves to a colleague of the same department; its deadline stays. */
  transfer(
    taskId: string,
    staffId: string,
    to: string,
    comment: string | null,
    bySupervisor = false,
  ): TaskRow {
    const task = bySupervisor ? this.openTask(taskId) : this.actionable(taskId, staffId, 'transfer');
    if (to === task.assignee_id) {
      throw errors.validation([{ pointer: '/to', code: 'same_assignee', message: '不能转交给当前办理人' }]);
    }
    if (!this.env.isActiveStaff(to) || (!bySupervisor && !this.env.isMember(to, task.department))) {
      throw errors.validation([
        { pointer: '/to', code: 'invalid_assignee', message: '只能转交给本部门在职的工作人员' },
      ]);
    }
    const deciding = this.tasksOf(this.nodeRow(task.node_instance_id)).some(
      (t) => t.kind === 'approval' && t.assignee_id === to && (t.status === 'open' || t.status === 'waiting'),
    );
    if (deciding) {
      // In 会签 that would let one person decide twice and the node pass without the transferor's share.
      throw errors.validation([
        { pointer: '/to', code: 'already_assignee', message: '对方已在办理该环节，不能再转交给他' },
      ]);
    }
    task.status = 'transferred';
    task.outcome = 'transferred';
    task.completed_at = this.env.now;
    this.touch(task);
    const node = this.index.node(task.node_id) as ApproverNode;
    const copy = this.createTask(this.nodeRow(task.node_instance_id), node, {
      assignee: to,
      origin: task.origin === 'flow' ? 'transfer' : task.origin,
      parent: task.parent_task_id ?? task.id,
      due: task.due_at,
      seq: task.seq,
    });
    this.record(bySupervisor ? 'reassigned' : 'transferred', { task, comment, details: { to } });
    this.message('task.transferred', copy, { from: task.id, previousAssignee: task.assignee_id });
    return copy;
  }

  /** 加签: before (they decide first, then me), after (I approve now, they decide after), parallel (with me). */
  addApprovers(
    taskId: string,
    staffId: string,
    people: string[],
    position: 'before' | 'after' | 'parallel',
    comment: string | null,
  ): void {
    const task = this.actionable(taskId, staffId, 'addApprover');
    const row = this.nodeRow(task.node_instance_id);
    const node = this.index.node(task.node_id) as ApproverNode;
    const busy = new Set(
      this.tasksOf(row)
        .filter((t) => t.status === 'open' || t.status === 'waiting')
        .map((t) => t.assignee_id),
    );
    people.forEach((p, i) => {
      if (!this.env.isActiveStaff(p) || p === staffId || busy.has(p)) {
        throw errors.validation([
          {
            pointer: `/staffIds/${i}`,
            code: 'invalid_assignee',
            message: '加签人须为在职工作人员，且不能是本人或已在办理该节点的人',
          },
        ]);
      }
    });
    this.record('approver_added', { task, comment, details: { position, staffIds: people } });
    const origin: TaskOrigin = `add-${position}`;
    if (position === 'before') {
      task.status = 'waiting';
      this.touch(task);
    } else if (position === 'after') {
      this.completeTask(task, 'approved');
      this.record('approved', { task, comment });
    }
    for (const p of people) {
      this.createTask(row, node, { assignee: p, origin, parent: task.id, due: task.due_at, seq: task.seq });
    }
    if (position === 'after') this.afterApproval(task);
  }

  /** 抄送: inform colleagues; each gets a cc item in 抄送我. */
  carbonCopy(taskId: string, staffId: string, people: string[], comment: string | null): void {
    const task = this.visibleTask(taskId);
    if (task.assignee_id !== staffId) throw errors.forbidden('not_assignee', '只有当前办理人可以抄送');
    people.forEach((p, i) => {
      if (!this.env.isActiveStaff(p)) {
        throw errors.validation([
          { pointer: `/staffIds/${i}`, code: 'invalid_assignee', message: '抄送人须为在职工作人员' },
        ]);
      }
    });
    const row = this.nodeRow(task.node_instance_id);
    for (const p of people) this.createCc(row, task.department, p, task.node_name);
    this.record('cc', { task, comment, details: { staffIds: people } });
  }

  comment(taskId: string | null, comment: string, attachments?: string[]): void {
    const task = taskId ? this.visibleTask(taskId) : undefined;
    this.record('commented', { task, comment, details: attachments?.length ? { attachments } : null });
  }

  markRead(taskId: string, staffId: string): void {
    const task = this.visibleTask(taskId);
    if (task.kind !== 'cc') throw errors.conflict('not_cc', '该任务不是抄送事项，无需标记已阅');
    if (task.assignee_id !== staffId) throw errors.notFound('task_not_found', '未找到该任务');
    if (task.status !== 'open') return;
    task.status = 'completed';
    task.outcome = 'read';
    task.completed_at = this.env.now;
    this.touch(task);
  }

  /** 催办 by the applicant or staff: remind the people holding the case now, at most once an hour per task. */
  urge(comment: string | null): TaskRow[] {
    const open = this.state.tasks.filter((t) => t.kind === 'approval' && t.status === 'open');
    if (open.length === 0) throw errors.conflict('nothing_to_urge', '当前没有正在办理的环节，无需催办');
    const due = open.filter((t) => !t.urged_at || this.env.now - t.urged_at >= 3_600_000);
    if (due.length === 0) throw errors.tooManyRequests(3600, 'urge_too_frequent');
    for (const t of due) {
      t.urged_at = this.env.now;
      this.touch(t);
      this.message('task.urged', t, { by: this.actor.type });
    }
    this.record('urged', { comment });
    return due;
  }

  /** 督办 by a supervisor: every open task is marked supervised and its department head is copied. */
  supervise(comment: string | null): void {
    const open = this.state.tasks.filter((t) => t.kind === 'approval' && t.status === 'open');
    if (open.length === 0) throw errors.conflict('nothing_to_supervise', '当前没有正在办理的环节');
    this.superviseTasks(open, undefined, comment);
  }

  /** 撤回 by the applicant: only before the case is accepted (受理). */
  withdraw(citizenId: string, reason: string | null): void {
    if (this.instance.citizen_id !== citizenId) throw errors.notFound('case_not_found', '未找到该办件');
    if (this.instance.status !== 'running' && this.instance.status !== 'correction') {
      throw errors.conflict('case_closed', '该办件已办结或已撤回');
    }
    if (this.instance.accepted_at) {
      throw errors.conflict('case_already_accepted', '该办件已受理，不能撤回；如需终止请联系受理部门');
    }
    this.record('withdrawn', { comment: reason });
    this.finish('withdrawn', reason);
  }

  /** The applicant has supplied the corrections asked for: the node that asked runs again. */
  resumeAfterCorrection(citizenId: string): void {
    if (this.instance.citizen_id !== citizenId) throw errors.notFound('case_not_found', '未找到该办件');
    if (this.instance.status !== 'correction') {
      throw errors.conflict('no_correction_requested', '该办件当前不需要补正');
    }
    const asked = this.instance.state.correction?.byNode;
    this.instance.status = 'running';
    this.instance.state = { ...this.instance.state, correction: undefined };
    this.record('corrected', { comment: null });
    this.caseProgress(
      'corrected',
      this.instance.accepted_at ? 'accepted' : 'submitted',
      '已提交补正材料，继续办理',
    );
    for (const row of this.state.nodes.filter((n) => n.status === 'suspended')) {
      row.status = row.node_id === asked ? 'returned' : 'cancelled';
      row.ended_at = this.env.now;
      this.dirtyNodes.add(row);
      this.enterNode(this.index.node(row.node_id));
    }
    for (const row of this.state.nodes.filter((n) => n.status === 'active' && n.node_type === 'parallel')) {
      this.startBranches(this.index.node(row.node_id) as ParallelNode, row);
      const done = new Set(row.state.done ?? []);
      if (row.status === 'active' && (row.state.branches ?? []).every((b) => done.has(b))) {
        this.completeNode(row, 'completed');
      }
    }
    this.resumeCaseClock();
  }

  /** An outside system (OA) reported the result of an automatic step that waits for one. */
  automaticResult(nodeInstanceId: string, outcome: 'approved' | 'rejected', note: string | null): void {
    const row = this.state.nodes.find((n) => n.id === nodeInstanceId);
    if (row?.status !== 'active' || row.node_type !== 'automatic') {
      throw errors.conflict('node_not_waiting', '该环节不在等待外部结果');
    }
    row.state = { ...row.state, result: outcome };
    this.record('external_result', { nodeId: row.node_id, comment: note, details: { outcome } });
    if (outcome === 'approved') this.completeNode(row, 'approved');
    else {
      this.closeNode(row, 'rejected', 'rejected');
      this.finish('rejected', note);
    }
  }

  /**
   * A durable timer fell due. Deadlines belong to node activations (every task of a 会签 or 或签
   * shares its node's limit), so a timeout is handled once per node, not once per task.
   */
  fire(timer: TimerRow): void {
    if (this.ended || this.isClosed()) return;
    switch (timer.kind) {
      case 'case-due':
        this.record('case_overdue', {});
        this.messages.push(this.caseMessage('case.overdue', { dueAt: this.instance.due_at }));
        return;
      case 'case-near':
        this.messages.push(this.caseMessage('case.deadline_near', { dueAt: this.instance.due_at }));
        return;
      case 'node-near': {
        const row = this.state.nodes.find((n) => n.id === timer.node_instance_id);
        if (row?.status !== 'active') return;
        const open = this.tasksOf(row).filter((t) => t.kind === 'approval' && t.status === 'open');
        if (open.length === 0) return;
        this.record('deadline_near', { nodeId: row.node_id });
        for (const t of open) this.message('task.deadline_near', t, { dueAt: t.due_at });
        return;
      }
      case 'node-due':
      case 'node-remind':
        this.onTimeout(timer);
        return;
    }
  }

  // ── moving through the tree ─────────────────────────────────────────────────────────────────

  private enterSequence(
    seq: readonly FlowNode[],
    pos: number,
    parentId: string | null,
    branch: number,
  ): void {
    if (this.ended) return;
    const next = seq[pos];
    if (next) this.enterNode(next);
    else this.sequenceDone(parentId, branch);
  }

  private sequenceDone(parentId: string | null, branch: number): void {
    if (this.ended) return;
    if (parentId === null) {
      this.finish('approved', null);
      return;
    }
    const parent = this.activeRow(parentId);
    if (!parent) return; // cancelled meanwhile (a 退回 out of the container)
    if (parent.node_type === 'parallel') {
      const done = new Set(parent.state.done ?? []);
      done.add(branch);
      parent.state = { ...parent.state, done: [...done] };
      this.dirtyNodes.add(parent);
      if (!starting.has(parent) && (parent.state.branches ?? []).every((b) => done.has(b))) {
        this.completeNode(parent, 'completed');
      }
      return;
    }
    this.completeNode(parent, 'completed');
  }

  private enterNode(node: FlowNode, resume?: NodeRow['state']): NodeRow {
    const row = this.newNodeRow(node);
    switch (node.type) {
      case 'approver':
        this.startApprover(node, row);
        break;
      case 'cc': {
        const department = node.department ?? this.index.flow.department;
        const people = unique(
          node.recipients.flatMap((r) => this.env.resolve(r, department, this.env.facts)),
        );
        for (const p of people) this.createCc(row, department, p, node.name);
        this.completeNode(row, 'completed');
        break;
      }
      case 'condition': {
        let taken =
          resume?.branch ??
          node.branches.findIndex((b) => !b.default && b.when && holds(b.when, this.env.facts));
        if (taken < 0) taken = node.branches.findIndex((b) => b.default);
        if (taken < 0) taken = node.branches.length - 1;
        row.state = { branch: taken };
        if (!resume)
          this.record('branch_taken', { nodeId: node.id, details: { branch: node.branches[taken]?.name } });
        if (!resume) this.enterSequence(node.branches[taken]?.nodes ?? [], 0, node.id, taken);
        break;
      }
      case 'parallel':
        this.startParallel(node, row, resume);
        break;
      case 'automatic':
        this.startAutomatic(node, row);
        break;
      case 'end':
        row.status = 'completed';
        row.outcome = node.outcome;
        row.ended_at = this.env.now;
        this.finish(node.outcome, null);
        break;
    }
    return row;
  }

  private startParallel(node: ParallelNode, row: NodeRow, resume?: NodeRow['state']): void {
    if (resume) {
      row.state = { branches: resume.branches, done: resume.done, started: resume.branches };
      return;
    }
    const branches = node.branches.flatMap((b, i) => (!b.when || holds(b.when, this.env.facts) ? [i] : []));
    row.state = { branches, done: [], started: [] };
    starting.add(row);
    this.startBranches(node, row);
    starting.delete(row);
    if (this.ended || row.status !== 'active') return;
    const done = new Set(row.state.done);
    if (branches.every((b) => done.has(b))) this.completeNode(row, 'completed');
  }

  /**
   * Enters the branches of a parallel row not entered yet. A branch whose pre-review sends the case
   * back to the applicant stops the others from starting: they start when the correction comes back.
   */
  private startBranches(node: ParallelNode, row: NodeRow): void {
    for (const i of row.state.branches ?? []) {
      if (this.ended || this.instance.status !== 'running') return;
      if (row.state.started?.includes(i)) continue;
      row.state = { ...row.state, started: [...(row.state.started ?? []), i] };
      this.dirtyNodes.add(row);
      this.enterSequence(node.branches[i]!.nodes, 0, node.id, i);
    }
  }

  private startAutomatic(node: Extract<FlowNode, { type: 'automatic' }>, row: NodeRow): void {
    const action = node.action;
    if (action.type === 'connector') {
      this.messages.push(
        this.caseMessage(
          'workflow.automatic',
          {
            nodeInstanceId: row.id,
            nodeId: node.id,
            connector: action.connector,
            operation: action.operation,
            params: action.params ?? {},
            department: node.department ?? this.index.flow.department,
            waitForResult: node.waitForResult === true,
          },
          row.id,
        ),
      );
      this.record('automatic_started', { nodeId: node.id, details: { connector: action.connector } });
      if (node.waitForResult) {
        if (node.timeLimit) {
          row.due_at = this.env.deadline(this.env.now, node.timeLimit);
          this.addTimer('node-due', row.due_at, {}, null, row.id);
        }
        return;
      }
      this.completeNode(row, 'completed');
      return;
    }
    const failed = action.conditions.filter((c) => !holds(c.when, this.env.facts)).map((c) => c.message);
    this.record('rules_checked', { nodeId: node.id, details: { passed: failed.length === 0, failed } });
    if (failed.length === 0) {
      this.completeNode(row, 'approved');
      return;
    }
    this.closeNode(row, 'rejected', 'rejected');
    if (action.otherwise === 'reject') this.finish('rejected', failed.join('；'));
    else this.returnTo('applicant', row, failed.join('；'));
  }

  private startApprover(node: ApproverNode, row: NodeRow): void {
    let people = unique(node.assignees.flatMap((r) => this.env.resolve(r, node.department, this.env.facts)));
    if (people.length === 0 && node.whenNoAssignee === 'department-head') {
      const head = this.env.headOf(node.department);
      if (head) people = [head];
    }
    if (people.length === 0) {
      // 审批人为空: pass on rather than leave the case stuck with nobody; the history says why.
      this.record('auto_approved', { nodeId: node.id, details: { reason: 'no_assignee' } });
      this.completeNode(row, 'approved');
      return;
    }
    const due = node.timeLimit ? this.env.deadline(this.env.now, node.timeLimit) : null;
    row.due_at = due;
    if (due !== null) {
      this.addTimer('node-due', due, {}, null, row.id);
      const before = node.timeLimit?.remindBeforeHours;
      if (before) {
        const near = this.env.shiftWorkingHours(due, -before);
        if (near > this.env.now) this.addTimer('node-near', near, {}, null, row.id);
      }
    }
    if (node.mode === 'sequential') {
      row.state = { queue: people.slice(1) };
      this.createTask(row, node, { assignee: people[0]!, origin: 'flow', due, seq: 0 });
    } else if (node.mode === 'any' && node.claim && people.length > 1) {
      this.createTask(row, node, { candidates: people, origin: 'flow', due, seq: 0 });
    } else {
      people.forEach((p, i) => {
        this.createTask(row, node, { assignee: p, origin: 'flow', due, seq: i });
      });
    }
  }

  private afterApproval(task: TaskRow): void {
    const row = this.nodeRow(task.node_instance_id);
    const node = this.index.node(row.node_id) as ApproverNode;
    if (task.origin === 'add-before') {
      // The person added before me has decided: my task is mine again once all of them have.
      const parent = this.state.tasks.find((t) => t.id === task.parent_task_id);
      const siblings = this.tasksOf(row).filter(
        (t) => t.parent_task_id === task.parent_task_id && t.origin === 'add-before' && t.status === 'open',
      );
      if (parent?.status === 'waiting') {
        if (siblings.length === 0) {
          parent.status = 'open';
          this.touch(parent);
          this.message('task.created', parent, { reopened: true });
        }
        return;
      }
    }
    if (node.mode === 'any' && ORIGINAL.has(task.origin)) {
      // 或签: the first approval decides; the other candidates' tasks are no longer needed.
      for (const t of this.tasksOf(row)) {
        if (t !== task && ORIGINAL.has(t.origin) && (t.status === 'open' || t.status === 'waiting')) {
          this.cancelTask(t, 'not_needed');
          // …and so are the people they had added before themselves.
          for (const added of this.tasksOf(row)) {
            if (added.parent_task_id === t.id && added.origin === 'add-before' && added.status === 'open') {
              this.cancelTask(added, 'not_needed');
            }
          }
        }
      }
    }
    // Added approvers (后加签, 并加签) decide before the node moves on, also in 或签.
    const pending = this.tasksOf(row).some(
      (t) => t.kind === 'approval' && (t.status === 'open' || t.status === 'waiting'),
    );
    if (pending) return;
    const queue = row.state.queue ?? [];
    if (node.mode === 'sequential' && queue.length > 0) {
      row.state = { ...row.state, queue: queue.slice(1) };
      this.dirtyNodes.add(row);
      this.createTask(row, node, { assignee: queue[0]!, origin: 'flow', due: row.due_at, seq: task.seq + 1 });
      return;
    }
    this.completeNode(row, 'approved');
  }

  private completeNode(row: NodeRow, outcome: string): void {
    if (row.status !== 'active') return;
    this.closeNode(row, 'completed', outcome);
    const node = this.index.node(row.node_id);
    if (node.type === 'approver') {
      if (node.accepts && !this.instance.accepted_at) {
        this.instance.accepted_at = this.env.now;
        this.caseProgress(
          'accepted',
          'accepted',
          `${this.env.departmentName(node.department)}已受理您的申请`,
        );
        this.messages.push(this.caseMessage('case.accepted', {}));
      } else {
        this.caseProgress(
          'step_completed',
          undefined,
          `${this.env.departmentName(node.department)}已完成「${node.name}」`,
        );
      }
    }
    if (this.ended) return;
    const place = this.index.place(row.node_id);
    this.enterSequence(place.seq, place.pos + 1, place.parentId, place.branch);
  }

  /** Ends a node row without moving on; cancels its open tasks and timers. */
  private closeNode(row: NodeRow, status: NodeRow['status'], outcome: string | null): void {
    row.status = status;
    row.outcome = outcome;
    row.ended_at = this.env.now;
    this.dirtyNodes.add(row);
    // Only a node with a deadline has timers (due, near, reminders).
    if (row.due_at !== null) this.cancelNodeTimers.push(row.id);
    for (const t of this.tasksOf(row)) {
      if (t.kind === 'approval' && (t.status === 'open' || t.status === 'waiting'))
        this.cancelTask(t, 'not_needed');
    }
  }

  private returnTo(target: string, from: NodeRow, reason: string | null): void {
    if (target === 'previous') {
      const candidates = new Set(this.returnTargetsOf(from.node_id));
      const previous = this.state.nodes
        .filter((n) => n.status === 'completed' && candidates.has(n.node_id))
        .sort((a, b) => (b.ended_at ?? 0) - (a.ended_at ?? 0))[0];
      target = previous?.node_id ?? 'applicant';
    }
    if (target === 'applicant') {
      this.toApplicant(from, reason);
      return;
    }
    const t = this.index.place(target);
    const split = this.index.split(t, this.index.place(from.node_id));
    if (!split) throw new Error(`invalid return target ${target} from ${from.node_id}`);
    // Everything running inside the element that holds `from` stops; the element holding the target
    // is re-entered down to the target, its other parallel branches counted as done.
    for (const row of this.state.nodes) {
      if (row.status === 'active' && this.index.within(row.node_id, split.eF))
        this.closeNode(row, 'cancelled', null);
    }
    this.record('rewound', { nodeId: target, details: { from: from.node_id } });
    this.reenter(target, split.eT);
  }

  private reenter(target: string, top: string): void {
    const place = this.index.place(target);
    const chain = place.chain;
    const start = chain.findIndex(([c]) => c === top);
    if (start >= 0) {
      for (let k = start; k < chain.length; k++) {
        const [containerId, branch] = chain[k]!;
        const existing = this.activeRow(containerId);
        if (existing) continue; // the container is still running (退回 within one branch)
        const previous = this.latestRow(containerId);
        const container = this.index.node(containerId);
        if (container.type === 'parallel') {
          const branches = previous?.state.branches ?? [branch];
          this.enterNode(container, { branches, done: branches.filter((b) => b !== branch) });
        } else {
          this.enterNode(container, { branch });
        }
      }
    }
    this.enterNode(place.node);
  }

  private toApplicant(from: NodeRow, reason: string | null): void {
    // Work on other branches pauses too: the case is with the citizen until the 补正 comes back.
    for (const row of this.state.nodes) {
      if (row.status === 'active' && (row.node_type === 'approver' || row.node_type === 'automatic')) {
        this.closeNode(row, 'suspended', null);
      }
    }
    from.status = 'suspended';
    this.dirtyNodes.add(from);
    this.instance.status = 'correction';
    // 补正期间不计入办理时限: the case's own deadline stops until the correction comes back.
    if (this.instance.due_at !== null) {
      this.instance.state = { ...this.instance.state, pausedAt: this.env.now };
      this.cancelCaseTimers = true;
    }
    const staff = this.actor.type === 'staff' ? this.actor.id : undefined;
    this.instance.state = {
      ...this.instance.state,
      correction: { reason: reason ?? '请按要求补正材料', byNode: from.node_id, byStaff: staff },
    };
    this.record('returned_to_applicant', { nodeId: from.node_id, comment: reason });
    this.caseProgress(
      'correction_requested',
      'correction_requested',
      `需要补正：${reason ?? '请按要求补正材料'}`,
    );
    this.messages.push(this.caseMessage('case.returned', { nodeId: from.node_id }));
  }

  /** After a correction: the case's deadline moves on by the working time the applicant held it. */
  private resumeCaseClock(): void {
    const pausedAt = this.instance.state.pausedAt;
    const due = this.instance.due_at;
    if (pausedAt === undefined || due === null) return;
    const held = this.env.workingHoursBetween(pausedAt, this.env.now);
    const moved = this.env.shiftWorkingHours(due, held);
    this.instance.due_at = moved;
    this.instance.state = { ...this.instance.state, pausedAt: undefined };
    this.addTimer('case-due', moved, {});
    const before = this.index.flow.timeLimit?.remindBeforeHours;
    if (before) {
      const near = this.env.shiftWorkingHours(moved, -before);
      if (near > this.env.now) this.addTimer('case-near', near, {});
    }
    this.record('deadline_extended', { details: { heldHours: held, dueAt: moved } });
  }

  private finish(outcome: 'approved' | 'rejected' | 'withdrawn', reason: string | null): void {
    if (this.ended) return;
    this.ended = true;
    for (const row of this.state.nodes) {
      if (row.status === 'active' || row.status === 'suspended') this.closeNode(row, 'cancelled', null);
    }
    for (const t of this.state.tasks) {
      if (t.kind === 'approval' && (t.status === 'open' || t.status === 'waiting'))
        this.cancelTask(t, 'not_needed');
    }
    this.cancelAllTimers = true;
    this.instance.status = outcome;
    this.instance.ended_at = this.env.now;
    this.record(`case_${outcome}`, { comment: reason });
    if (outcome === 'approved') {
      this.caseProgress('completed', 'completed', '您的申请已办结');
      this.messages.push(this.caseMessage('case.completed', {}));
    } else if (outcome === 'rejected') {
      const status = this.instance.accepted_at ? 'denied' : 'rejected';
      this.caseProgress(status, status, reason ? `未通过：${reason}` : '您的申请未通过审核');
      this.messages.push(this.caseMessage('case.rejected', {}));
    } else {
      this.caseProgress('withdrawn', 'withdrawn', '您已撤回申请');
      this.messages.push(this.caseMessage('case.withdrawn', {}));
    }
  }

  private onTimeout(timer: TimerRow): void {
    const row = this.state.nodes.find((n) => n.id === timer.node_instance_id);
    if (row?.status !== 'active') return;
    const node = this.index.node(row.node_id);
    const policy = node.timeLimit?.onTimeout ?? { action: 'remind' as const };
    const open = () => this.tasksOf(row).filter((t) => t.kind === 'approval' && t.status === 'open');
    const action = timer.kind === 'node-remind' ? 'remind' : policy.action;
    this.record('timed_out', { nodeId: node.id, details: { action } });
    if (node.type !== 'approver') {
      // An automatic step waiting for an outside system: remind its department, nothing else is ours to decide.
      this.messages.push(this.caseMessage('workflow.automatic_overdue', { nodeInstanceId: row.id }, row.id));
      return;
    }
    for (const t of open()) this.message('task.overdue', t, { dueAt: t.due_at });
    switch (policy.action) {
      case 'remind': {
        const times = (timer.payload.times ?? 0) + 1;
        if (policy.repeatEveryHours && times < (policy.maxTimes ?? 1)) {
          const next = this.env.shiftWorkingHours(this.env.now, policy.repeatEveryHours);
          this.addTimer('node-remind', next, { times }, null, row.id);
        }
        return;
      }
      case 'escalate': {
        const department = node.department;
        const people = unique(this.env.resolve(policy.to, department, this.env.facts));
        this.superviseTasks(open(), people, '超过办理时限，自动督办');
        return;
      }
      case 'transfer': {
        const people = this.env.resolve(policy.to, node.department, this.env.facts);
        for (const t of open()) {
          const holders = new Set(open().map((x) => x.assignee_id));
          const to = people.find((p) => !holders.has(p) && this.env.isActiveStaff(p));
          if (to) this.transfer(t.id, 'system', to, '超过办理时限，自动转交', true);
        }
        return;
      }
      case 'auto-approve':
        // Silence means consent where the policy says so: approve whatever is open until the node moves on.
        for (let guard = 0; row.status === 'active' && guard < 100; guard++) {
          const task = open()[0];
          if (!task) return;
          this.completeTask(task, 'approved');
          this.record('auto_approved', { task, details: { reason: 'timeout' } });
          this.afterApproval(task);
        }
        return;
    }
  }

  private superviseTasks(tasks: TaskRow[], supervisors: string[] | undefined, comment: string | null): void {
    const holders = new Set(tasks.map((t) => t.assignee_id));
    const copied = new Set<string>();
    for (const t of tasks) {
      t.supervised_at = this.env.now;
      this.touch(t);
      this.message('task.supervised', t, {});
      // The supervisors and the head of each department concerned get one 督办 copy each.
      const recipients = [...(supervisors ?? []), this.env.headOf(t.department) ?? ''].filter(Boolean);
      for (const p of recipients) {
        if (holders.has(p) || copied.has(p)) continue;
        copied.add(p);
        this.createCc(this.nodeRow(t.node_instance_id), t.department, p, t.node_name, 'escalation');
      }
    }
    this.record('supervised', { comment, details: { tasks: tasks.map((t) => t.id) } });
  }

  // ── rows ───────────────────────────────────────────────────────────────────────────────────

  private newNodeRow(node: FlowNode): NodeRow {
    const round =
      Math.max(0, ...this.state.nodes.filter((n) => n.node_id === node.id).map((n) => n.round)) + 1;
    const row: NodeRow = {
      id: this.env.newId(),
      instance_id: this.instance.id,
      node_id: node.id,
      node_type: node.type,
      round,
      status: 'active',
      outcome: null,
      state: {},
      started_at: this.env.now,
      ended_at: null,
      due_at: null,
    };
    this.state.nodes.push(row);
    this.newNodes.push(row);
    return row;
  }

  private createTask(
    row: NodeRow,
    node: ApproverNode,
    opts: {
      assignee?: string;
      candidates?: string[];
      origin: TaskOrigin;
      parent?: string;
      due: number | null;
      seq: number;
    },
  ): TaskRow {
    const task: TaskRow = {
      id: this.env.newId(),
      instance_id: this.instance.id,
      node_instance_id: row.id,
      node_id: node.id,
      node_name: node.name,
      kind: 'approval',
      case_id: this.instance.case_id,
      case_number: this.instance.case_number,
      service_code: this.instance.service_code,
      department: node.department,
      assignee_id: opts.assignee ?? null,
      candidates: opts.candidates ?? null,
      status: 'open',
      outcome: null,
      origin: opts.origin,
      parent_task_id: opts.parent ?? null,
      seq: opts.seq,
      created_at: this.env.now,
      claimed_at: null,
      completed_at: null,
      due_at: opts.due,
      urged_at: null,
      supervised_at: null,
      row_version: 1,
    };
    this.state.tasks.push(task);
    this.newTasks.push(task);
    this.message('task.created', task, {});
    return task;
  }

  private createCc(
    row: NodeRow,
    department: string,
    staffId: string,
    nodeName: string,
    origin: TaskOrigin = 'cc',
  ) {
    const task: TaskRow = {
      id: this.env.newId(),
      instance_id: this.instance.id,
      node_instance_id: row.id,
      node_id: row.node_id,
      node_name: nodeName,
      kind: 'cc',
      case_id: this.instance.case_id,
      case_number: this.instance.case_number,
      service_code: this.instance.service_code,
      department,
      assignee_id: staffId,
      candidates: null,
      status: 'open',
      outcome: null,
      origin,
      parent_task_id: null,
      seq: 0,
      created_at: this.env.now,
      claimed_at: null,
      completed_at: null,
      due_at: null,
      urged_at: null,
      supervised_at: null,
      row_version: 1,
    };
    this.state.tasks.push(task);
    this.newTasks.push(task);
    this.message('cc.created', task, {});
  }

  private completeTask(task: TaskRow, outcome: string): void {
    if (task.candidates) this.releasedCandidates.push(task.id);
    task.status = 'completed';
    task.outcome = outcome;
    task.completed_at = this.env.now;
    this.touch(task);
    this.message('task.completed', task, { outcome });
  }

  private cancelTask(task: TaskRow, outcome: string): void {
    if (task.candidates) this.releasedCandidates.push(task.id);
    task.status = 'cancelled';
    task.outcome = outcome;
    task.completed_at = this.env.now;
    this.touch(task);
    this.message('task.cancelled', task, {});
  }

  private touch(task: TaskRow): void {
    if (!this.newTasks.includes(task)) {
      if (!this.dirtyTasks.has(task)) task.row_version += 1;
      this.dirtyTasks.add(task);
    }
  }

  private addTimer(
    kind: TimerKind,
    due: number,
    payload: TimerRow['payload'],
    taskId: string | null = null,
    nodeInstanceId: string | null = null,
  ): void {
    this.timers.push({
      id: this.env.newId(),
      instance_id: this.instance.id,
      task_id: taskId,
      node_instance_id: nodeInstanceId,
      kind,
      due_at: due,
      status: 'pending',
      payload,
      fired_at: null,
      fired_by: null,
    });
  }

  private record(
    action: string,
    opts: {
      task?: TaskRow;
      nodeId?: string;
      comment?: string | null;
      details?: Record<string, unknown> | null;
    },
  ): void {
    this.history.push({
      id: this.env.newId(),
      instance_id: this.instance.id,
      case_id: this.instance.case_id,
      seq: ++this.historySeq,
      task_id: opts.task?.id ?? null,
      node_id: opts.task?.node_id ?? opts.nodeId ?? null,
      action,
      actor_type: this.actor.type,
      actor_id: this.actor.id ?? null,
      comment: opts.comment ?? null,
      details: opts.details ?? null,
      created_at: this.env.now,
    });
  }

  private message(topic: string, task: TaskRow, extra: Record<string, unknown>): void {
    this.messages.push({
      topic,
      aggregateType: 'task',
      aggregateId: task.id,
      dedupeKey: `${topic}:${task.id}:${task.row_version}:${this.historySeq}:${this.messages.length}`,
      payload: {
        taskId: task.id,
        caseId: task.case_id,
        caseNumber: task.case_number,
        serviceCode: task.service_code,
        nodeId: task.node_id,
        nodeName: task.node_name,
        kind: task.kind,
        department: task.department,
        assigneeId: task.assignee_id,
        candidates: task.candidates,
        status: task.status,
        dueAt: task.due_at,
        ...extra,
      },
    });
  }

  private caseMessage(topic: string, extra: Record<string, unknown>, key?: string): OutboxMessage {
    return {
      topic,
      aggregateType: 'case',
      aggregateId: this.instance.case_id,
      dedupeKey: `${topic}:${this.instance.case_id}:${key ?? this.historySeq}:${this.messages.length}`,
      payload: {
        caseId: this.instance.case_id,
        caseNumber: this.instance.case_number,
        serviceCode: this.instance.service_code,
        citizenId: this.instance.citizen_id,
        status: this.instance.status,
        ...extra,
      },
    };
  }

  private caseProgress(type: string, toStatus: string | undefined, note: string): void {
    // The workflow is the only writer of a running case's status: it knows the status it came from.
    const fromStatus = this.instance.state.caseStatus ?? 'submitted';
    if (toStatus) this.instance.state = { ...this.instance.state, caseStatus: toStatus };
    this.progress.push({ type, fromStatus, toStatus, note });
  }

  // ── look-ups ───────────────────────────────────────────────────────────────────────────────

  private isClosed(): boolean {
    return this.instance.status !== 'running';
  }

  private openTask(taskId: string): TaskRow {
    const task = this.visibleTask(taskId);
    if (task.status !== 'open' || this.isClosed()) throw notOpen();
    return task;
  }

  private visibleTask(taskId: string): TaskRow {
    const task = this.state.tasks.find((t) => t.id === taskId);
    if (!task) throw errors.notFound('task_not_found', '未找到该任务');
    return task;
  }

  /** The open approval task, held (or claimable) by `staffId`, with `action` offered by its node. */
  private actionable(taskId: string, staffId: string, action: TaskAction): TaskRow {
    const task = this.openTask(taskId);
    if (task.kind !== 'approval') throw errors.conflict('task_not_actionable', '抄送事项无需审批');
    if (!task.assignee_id) this.claim(taskId, staffId);
    else if (task.assignee_id !== staffId) throw errors.forbidden('not_assignee', '该任务不由您办理');
    const node = this.index.node(task.node_id) as ApproverNode;
    if (!allowedActions(node).includes(action)) {
      throw errors.conflict('action_not_allowed', '该环节不允许此操作');
    }
    return task;
  }

  private nodeRow(id: string): NodeRow {
    const row = this.state.nodes.find((n) => n.id === id);
    if (!row) throw new Error(`node instance ${id} not loaded`);
    return row;
  }

  private activeRow(nodeId: string): NodeRow | undefined {
    return this.state.nodes.find((n) => n.node_id === nodeId && n.status === 'active');
  }

  private latestRow(nodeId: string): NodeRow | undefined {
    return this.state.nodes.filter((n) => n.node_id === nodeId).sort((a, b) => b.round - a.round)[0];
  }

  private tasksOf(row: NodeRow): TaskRow[] {
    return this.state.tasks.filter((t) => t.node_instance_id === row.id);
  }

  /** Earlier approver nodes that have run in this case (退回 targets offered now). */
  returnTargetsOf(nodeId: string): string[] {
    const ran = new Set(this.state.nodes.filter((n) => n.status === 'completed').map((n) => n.node_id));
    return this.index.returnTargets(nodeId).filter((id) => ran.has(id) && this.onCurrentPath(id));
  }

  /** Whether every condition around a node takes, and every parallel around it runs, its branch now. */
  private onCurrentPath(nodeId: string): boolean {
    return this.index.place(nodeId).chain.every(([containerId, branch]) => {
      const latest = this.latestRow(containerId);
      if (!latest) return false;
      return latest.node_type === 'condition'
        ? latest.state.branch === branch
        : (latest.state.branches ?? []).includes(branch);
    });
  }
}

/** Operations a node offers (approve and reject always). */
export function allowedActions(node: ApproverNode): TaskAction[] {
  const offered = new Set<TaskAction>(node.actions ?? ALL_ACTIONS);
  offered.add('approve');
  offered.add('reject');
  offered.add('comment');
  return ALL_ACTIONS.filter((a) => offered.has(a));
}

// Parallel rows whose branches are being entered: a branch that finishes at once must not complete
// the join before the other branches have even started.
const starting = new WeakSet<NodeRow>();

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
