import { randomUUID } from 'node:crypto';
import type { TimeLimit } from '@gcrm/config/catalog';
import type { CaseFacts, CaseFlowStarter, CorrectedData, StartedCase } from '../cases';
import type { Facts } from '../platform/conditions';
import type { Db } from '../platform/db/database';
import { SqlBatch } from '../platform/db/sql-batch';
import type { Tx } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import { OutboxWriter } from '../platform/outbox/outbox';
import { type DispatchRules, type OrgLookup, resolveAssignees } from './assignees';
import { type Actor, allowedActions, type EngineEnv, FlowRun } from './engine/engine';
import type { FlowIndex } from './engine/flow-index';
import type { LoadedState, TaskRow, TimerRow } from './engine/rows';
import type { FlowStore } from './flow-store';
import { presentHistory, presentTask, type TaskView } from './workflow.presenter';
import type { StateRef, WorkflowRepository, WorklistQuery } from './workflow.repository';
import { WorkflowWriter } from './workflow-writer';

/** The deadline arithmetic of the working-day calendar (platform/calendar). */
export interface DeadlineCalendar {
  addWorkingDays(from: number, days: number, region?: string): number;
  addWorkingHours(from: number, hours: number, region?: string): number;
  workingHoursBetween(from: number, to: number, region?: string): number;
}

export type CaseProgressBatch = {
  caseId: string;
  entries: { type: string; fromStatus: string; toStatus?: string; note: string }[];
  actor: { type: string; id: string | null };
  now: number;
}[];

/** What the workflow needs of the cases context (its CaseRecords). */
export interface CasePort {
  facts(caseId: string): Promise<CaseFacts | undefined>;
  /** Status changes and timeline entries of several cases, added to a batch of the caller's transaction. */
  recordProgress(tx: Tx, batch: CaseProgressBatch, statements: SqlBatch): void;
  view(caseId: string): Promise<unknown>;
  reveal(caseId: string, field: string): Promise<string | null | undefined>;
  validateCorrection(
    citizenId: string,
    caseId: string,
    formData: Record<string, unknown>,
  ): Promise<{ data: CorrectedData; facts: CaseFacts }>;
  updateFormData(tx: Tx, caseId: string, data: CorrectedData, now: number): Promise<void>;
  search(
    kind: 'id-number' | 'phone',
    value: string,
    limit?: number,
  ): Promise<{ id: string; case_number: string; service_code: string; status: string; created_at: number }[]>;
}

export interface WorkflowOptions {
  /** 行政区划 code of the calendar's regional overrides (default: national). */
  region?: string;
  now?: () => number;
  serviceName?: (code: string) => string | undefined;
}

const MAX_ATTEMPTS = 8;

/**
 * The workflow of cases: starts a case's flow inside its submission, applies staff, applicant,
 * supervisor, outside-system and timer commands, and answers worklists. Each command loads the
 * case's state, runs the engine in memory, and writes the result in one transaction that fails if
 * another command wrote first (instance row_version); then the command runs again on the new state,
 * where a task someone else has just handled is no longer open: 409.
 */
/** Reveal names of the mailing address (结果领取方式) beside the form's own sensitive fields. */
const DELIVERY_FIELDS: Record<string, 'phone' | 'detail'> = {
  'delivery.phone': 'phone',
  'delivery.detail': 'detail',
};

export class WorkflowService implements CaseFlowStarter {
  private deliveryReveal?: (caseId: string, part: 'phone' | 'detail') => Promise<string | undefined>;

  /** Staff who mail the result may reveal its phone and street address (`delivery.phone`, `delivery.detail`). */
  useDeliveryReveal(reveal: (caseId: string, part: 'phone' | 'detail') => Promise<string | undefined>): void {
    this.deliveryReveal = reveal;
  }

  private readonly outbox: OutboxWriter;
  private readonly writer: WorkflowWriter<Written>;
  private readonly now: () => number;

  private dispatch?: DispatchRules;

  /** Assignees of type `ruleSet` are chosen by the published dispatch rule sets from now on. */
  useDispatchRules(dispatch: DispatchRules): void {
    this.dispatch = dispatch;
  }

  constructor(
    db: Db,
    private readonly repo: WorkflowRepository,
    private readonly flows: FlowStore,
    private readonly org: OrgLookup,
    private readonly calendar: DeadlineCalendar,
    private readonly cases: CasePort,
    private readonly options: WorkflowOptions = {},
  ) {
    this.outbox = new OutboxWriter(db);
    this.writer = new WorkflowWriter(db, (tx, items) => this.persist(tx, items));
    this.now = options.now ?? Date.now;
  }

  // ── start ──────────────────────────────────────────────────────────────────────────────────

  /** Instantiates the case's flow in the submission's transaction (CaseFlowStarter). */
  async start(tx: Tx, started: StartedCase): Promise<void> {
    await this.writeStarts(tx, [await this.prepareStart(started, tx)]);
  }

  /**
   * Runs a new case's flow up to its first waiting nodes, in memory: nothing is written yet. Intake
   * prepares before its transaction and writes the starts of a whole batch of cases at once.
   */
  async prepareStart(started: StartedCase, tx?: Tx): Promise<PreparedStart> {
    const index = await this.flows.get(started.flow, tx);
    // A service whose flow failed its publish checks: refuse the application rather than accept a
    // case nobody would ever be given (the publish problems are in the start-up log).
    if (!index) throw errors.unavailable('flow_unavailable', '该事项的办理流程暂不可用，请稍后再试', 60);
    const state: LoadedState = {
      instance: {
        id: randomUUID(),
        case_id: started.caseId,
        case_number: started.caseNumber,
        service_code: started.serviceCode,
        citizen_id: started.citizenId,
        flow_id: index.flow.id,
        flow_version: index.flow.version,
        department: index.flow.department,
        status: 'running',
        accepted_at: null,
        started_at: started.now,
        ended_at: null,
        due_at: null,
        state: {},
        row_version: 1,
      },
      nodes: [],
      tasks: [],
    };
    const run = new FlowRun(index, state, this.env(started.now, started.facts as unknown as Facts), {
      type: 'citizen',
      id: started.citizenId,
    });
    run.start();
    return { run, loaded: null, now: started.now };
  }

  /** Writes prepared starts in the caller's transaction (the cases' own). */
  async writeStarts(tx: Tx, prepared: PreparedStart[]): Promise<void> {
    if (prepared.length > 0) await this.persist(tx, prepared as Written[]);
  }

  // ── commands ───────────────────────────────────────────────────────────────────────────────

  claim(staffId: string, taskId: string) {
    return this.onTask(staffId, taskId, (run) => {
      run.claim(taskId, staffId);
    });
  }

  approve(staffId: string, taskId: string, input: { comment?: string; attachments?: string[] }) {
    return this.onTask(staffId, taskId, (run) =>
      run.approve(taskId, staffId, input.comment ?? null, input.attachments),
    );
  }

  reject(staffId: string, taskId: string, input: { comment: string; attachments?: string[] }) {
    return this.onTask(staffId, taskId, (run) =>
      run.reject(taskId, staffId, input.comment, input.attachments),
    );
  }

  sendBack(staffId: string, taskId: string, input: { target: string; comment: string }) {
    return this.onTask(staffId, taskId, (run) => run.sendBack(taskId, staffId, input.target, input.comment));
  }

  transfer(staffId: string, taskId: string, input: { to: string; comment?: string }) {
    return this.onTask(staffId, taskId, (run) => {
      run.transfer(taskId, staffId, input.to, input.comment ?? null);
    });
  }

  addApprovers(
    staffId: string,
    taskId: string,
    input: { staffIds: string[]; position: 'before' | 'after' | 'parallel'; comment?: string },
  ) {
    return this.onTask(staffId, taskId, (run) =>
      run.addApprovers(taskId, staffId, input.staffIds, input.position, input.comment ?? null),
    );
  }

  carbonCopy(staffId: string, taskId: string, input: { staffIds: string[]; comment?: string }) {
    return this.onTask(staffId, taskId, (run) =>
      run.carbonCopy(taskId, staffId, input.staffIds, input.comment ?? null),
    );
  }

  comment(staffId: string, taskId: string, input: { comment: string; attachments?: string[] }) {
    return this.onTask(staffId, taskId, (run) => run.comment(taskId, input.comment, input.attachments));
  }

  markRead(staffId: string, taskId: string) {
    return this.onTask(staffId, taskId, (run) => run.markRead(taskId, staffId));
  }

  /** 改派 by a supervisor: any open task to any active staff member. */
  reassign(staffId: string, taskId: string, input: { to: string; comment?: string }) {
    this.requireSupervisor(staffId);
    return this.onTask(staffId, taskId, (run) => {
      run.transfer(taskId, staffId, input.to, input.comment ?? null, true);
    });
  }

  /** 督办 by a supervisor on a case. */
  async supervise(staffId: string, caseId: string, input: { comment?: string }) {
    this.requireSupervisor(staffId);
    await this.execute({ caseId }, { type: 'staff', id: staffId }, (run) =>
      run.supervise(input.comment ?? null),
    );
  }

  async urgeByStaff(staffId: string, caseId: string, input: { comment?: string }) {
    await this.execute(
      { caseId },
      { type: 'staff', id: staffId },
      (run) => {
        run.urge(input.comment ?? null);
      },
      { visibleTo: staffId },
    );
  }

  async urgeByCitizen(citizenId: string, caseId: string) {
    await this.execute({ caseId }, { type: 'citizen', id: citizenId }, (run) => {
      if (run.instance.citizen_id !== citizenId) throw errors.notFound('case_not_found', '未找到该办件');
      run.urge(null);
    });
  }

  async withdraw(citizenId: string, caseId: string, reason: string | null) {
    await this.execute({ caseId }, { type: 'citizen', id: citizenId }, (run) =>
      run.withdraw(citizenId, reason),
    );
  }

  /** 补正: the applicant's corrected form data is stored and the flow goes on, in one transaction. */
  async supplyCorrection(citizenId: string, caseId: string, formData: Record<string, unknown>) {
    const { data, facts } = await this.cases.validateCorrection(citizenId, caseId, formData);
    await this.execute(
      { caseId },
      { type: 'citizen', id: citizenId },
      (run) => run.resumeAfterCorrection(citizenId),
      {
        facts: facts as unknown as Facts,
        also: (tx, now) => this.cases.updateFormData(tx, caseId, data, now),
      },
    );
  }

  /** An outside system (a department's OA) reported the result of an automatic step. */
  async automaticResult(nodeInstanceId: string, outcome: 'approved' | 'rejected', note: string | null) {
    await this.execute({ nodeInstanceId }, { type: 'system', id: 'external' }, (run) =>
      run.automaticResult(nodeInstanceId, outcome, note),
    );
  }

  /** Fires a due timer exactly once: claimed in the same transaction that applies its effect. */
  async fireTimer(timer: TimerRow, by: string): Promise<boolean> {
    try {
      await this.execute(timer.instance_id, { type: 'system', id: 'timer' }, (run) => run.fire(timer), {
        before: (tx, now) => this.repo.claimTimer(tx, timer.id, by, now),
        undoBefore: (tx) => this.repo.unclaimTimer(tx, timer.id),
      });
      return true;
    } catch (error) {
      if (error === TIMER_TAKEN) return false;
      throw error;
    }
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────

  async me(staffId: string) {
    const staff = this.org.staff(staffId);
    if (!staff) throw errors.notFound('staff_not_found', '未找到该工作人员');
    const counts = await this.repo.counts(staffId);
    return {
      id: staff.id,
      name: staff.name,
      departments: this.org.departmentsOf(staffId).map((code) => ({
        code,
        name: this.org.department(code)?.name ?? code,
        roles: [...this.org.rolesOf(staffId, code)],
      })),
      counts,
    };
  }

  async worklist(
    staffId: string,
    query: {
      box?: WorklistQuery['box'];
      serviceCode?: string;
      caseNumber?: string;
      overdue?: boolean;
      unread?: boolean;
      cursor?: string;
      limit?: number;
    },
  ) {
    const limit = query.limit ?? 20;
    const box = query.box ?? 'todo';
    const departments =
      box === 'department'
        ? [...new Set(this.org.departmentsOf(staffId).flatMap((d) => this.org.descendantsOf(d)))]
        : undefined;
    if (departments && departments.length === 0) return { items: [], nextCursor: null };
    const rows = await this.repo.worklist({
      box,
      staffId,
      departments,
      serviceCode: query.serviceCode,
      caseNumber: query.caseNumber,
      overdueAt: query.overdue ? this.now() : undefined,
      unread: query.unread,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((t) => this.presentTask(t)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /** One task for staff: the case (its form version, masked), history and the actions allowed now. */
  async task(staffId: string, taskId: string) {
    const { state, index } = await this.loadVisible({ taskId }, staffId);
    const task = state.tasks.find((t) => t.id === taskId)!;
    const run = new FlowRun(index, state, this.env(this.now(), {}), { type: 'staff', id: staffId });
    const node = index.has(task.node_id) ? index.node(task.node_id) : undefined;
    const mine =
      task.assignee_id === staffId || (task.assignee_id === null && !!task.candidates?.includes(staffId));
    let actions: string[] = [];
    if (task.kind === 'approval' && task.status === 'open' && state.instance.status === 'running' && mine) {
      actions = node?.type === 'approver' ? [...allowedActions(node)] : ['approve', 'reject', 'comment'];
      if (task.assignee_id === null) actions.unshift('claim');
      actions.push('cc');
    } else if (task.kind === 'cc' && task.status === 'open' && task.assignee_id === staffId) {
      actions = ['read'];
    }
    if (this.org.hasRole(staffId, 'supervisor') && task.kind === 'approval' && task.status === 'open') {
      actions.push('reassign');
    }
    return {
      task: this.presentTask(task),
      node: node
        ? {
            id: node.id,
            name: node.name,
            type: node.type,
            mode: node.type === 'approver' ? node.mode : undefined,
            department: this.presentDepartment(task.department),
          }
        : null,
      flow: { id: index.flow.id, version: index.flow.version, name: index.flow.name },
      case: await this.cases.view(state.instance.case_id),
      caseStatus: state.instance.status,
      history: presentHistory(await this.repo.history(state.instance.id), (id) => this.org.staff(id)?.name),
      progress: this.progress(state, index),
      actions,
      returnTargets: mine
        ? [
            ...run.returnTargetsOf(task.node_id).map((id) => ({ nodeId: id, name: index.node(id).name })),
            { nodeId: 'applicant', name: '申请人（补正）' },
          ]
        : [],
    };
  }

  /**
   * A case for staff within their scope: the case, history, current steps; its materials, the result's
   * delivery (masked) and the rating also at the top level, as the case page shows them.
   */
  async caseView(staffId: string, caseId: string) {
    const { state, index } = await this.loadVisible({ caseId }, staffId);
    const view = (await this.cases.view(caseId)) as
      | { materials?: unknown[]; delivery?: unknown; rating?: unknown }
      | undefined;
    return {
      case: view,
      materials: view?.materials ?? [],
      delivery: view?.delivery ?? null,
      rating: view?.rating ?? null,
      flow: { id: index.flow.id, version: index.flow.version, name: index.flow.name },
      status: state.instance.status,
      dueAt: state.instance.due_at ? new Date(state.instance.due_at).toISOString() : null,
      history: presentHistory(await this.repo.history(state.instance.id), (id) => this.org.staff(id)?.name),
      progress: this.progress(state, index),
      tasks: state.tasks.filter((t) => t.kind === 'approval').map((t) => this.presentTask(t)),
    };
  }

  /**
   * The full value of a case's ID or phone number field for a staff member allowed to see it (the
   * route checks the permission and puts the purpose on the audit record first); a case outside the
   * staff member's scope answers 404 like a missing one.
   */
  /** The department leading a case's flow (its statistics count the case), or undefined without a flow. */
  async departmentOf(caseId: string): Promise<string | undefined> {
    return (await this.repo.load({ caseId }))?.instance.department;
  }

  /** 404 unless the case is within the staff member's data scope (for other contexts' staff routes). */
  async assertVisible(staffId: string, caseId: string): Promise<void> {
    await this.loadVisible({ caseId }, staffId);
  }

  async revealCasePii(staffId: string, caseId: string, field: string, beforeReveal: () => Promise<void>) {
    await this.loadVisible({ caseId }, staffId);
    const delivery = DELIVERY_FIELDS[field];
    if (delivery) {
      if (!this.deliveryReveal) throw errors.notFound('case_not_found', '未找到该办件');
      await beforeReveal();
      const value = await this.deliveryReveal(caseId, delivery);
      if (value === undefined)
        throw errors.notFound('delivery_not_found', '该办件未选择邮寄送达，没有收件地址');
      return { caseId, field, value };
    }
    await beforeReveal();
    const value = await this.cases.reveal(caseId, field);
    if (value === undefined) throw errors.notFound('case_not_found', '未找到该办件');
    return { caseId, field, value };
  }

  /**
   * Cases holding an ID or phone number, within the staff member's scope (others are left out as if
   * they did not exist). The route puts the search on the audit record first.
   */
  async searchCases(
    staffId: string,
    kind: 'id-number' | 'phone',
    value: string,
    beforeSearch: () => Promise<void>,
  ) {
    await beforeSearch();
    const found = await this.cases.search(kind, value, 50);
    const items = [];
    for (const c of found) {
      const state = await this.repo.load({ caseId: c.id });
      if (!state || !this.canSee(staffId, state)) continue;
      items.push({
        caseId: c.id,
        caseNumber: c.case_number,
        service: { code: c.service_code, name: this.options.serviceName?.(c.service_code) ?? c.service_code },
        status: state.instance.status,
        submittedAt: new Date(Number(c.created_at)).toISOString(),
      });
      if (items.length === 20) break;
    }
    return { items };
  }

  /** For the citizen's case page: who has the case now, in plain words. */
  async citizenProgress(citizenId: string, caseId: string) {
    const state = await this.repo.load({ caseId });
    if (!state || state.instance.citizen_id !== citizenId) return null;
    const index = await this.flows.get(`${state.instance.flow_id}@${state.instance.flow_version}`);
    if (!index) return null;
    return {
      status: state.instance.status,
      dueAt: state.instance.due_at ? new Date(state.instance.due_at).toISOString() : null,
      correction: state.instance.state.correction ? { reason: state.instance.state.correction.reason } : null,
      canWithdraw: !state.instance.accepted_at && ['running', 'correction'].includes(state.instance.status),
      current: this.progress(state, index).filter((p) => p.status === 'active'),
    };
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────

  private async onTask(staffId: string, taskId: string, command: (run: FlowRun) => void): Promise<TaskView> {
    const run = await this.execute(
      { taskId },
      { type: 'staff', id: staffId },
      (r) => {
        command(r);
        return r;
      },
      { visibleTo: staffId },
    );
    return this.presentTask(run.state.tasks.find((t) => t.id === taskId)!);
  }

  private async execute<T>(
    ref: string | StateRef,
    actor: Actor,
    command: (run: FlowRun) => T,
    opts: {
      visibleTo?: string;
      facts?: Facts;
      before?: (tx: Tx, now: number) => Promise<boolean>;
      undoBefore?: (tx: Tx) => Promise<void>;
      also?: (tx: Tx, now: number) => Promise<void>;
    } = {},
  ): Promise<T> {
    let instanceId: string | undefined;
    for (let attempt = 1; ; attempt++) {
      // The first load finds the case by what the command names (one round trip); retries by the instance.
      const state = await this.repo.load(instanceId ?? ref);
      if (!state) {
        throw typeof ref === 'object' && 'taskId' in ref
          ? errors.notFound('task_not_found', '未找到该任务')
          : errors.notFound('case_not_found', '未找到该办件');
      }
      instanceId = state.instance.id;
      if (opts.visibleTo && !this.canSee(opts.visibleTo, state))
        throw errors.notFound('task_not_found', '未找到该任务');
      const index = await this.flowOf(state);
      const now = this.now();
      const facts = opts.facts ?? (index.needsFacts ? await this.factsOf(state) : {});
      const run = new FlowRun(index, state, this.env(now, facts), actor);
      const result = command(run);
      const loaded = state.instance.row_version;
      const before = opts.before;
      const outcome = await this.writer.write({
        before: before ? (tx) => before(tx, now) : undefined,
        undoBefore: opts.undoBefore,
        payload: { run, loaded, now, also: opts.also },
      });
      if (outcome === 'skipped') throw TIMER_TAKEN;
      if (outcome === 'written') return result;
      if (attempt >= MAX_ATTEMPTS) throw errors.conflict('case_busy', '该办件正在被他人处理，请稍后重试');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * attempt));
    }
  }

  /** Writes commands' results in one transaction: rows, outbox messages, case progress (see WorkflowWriter). */
  private async persist(tx: Tx, items: Written[]): Promise<boolean[]> {
    const statements = new SqlBatch(tx);
    const ok = await this.repo.persistAll(
      tx,
      items.map((i) => ({ run: i.run, loadedVersion: i.loaded })),
      statements,
    );
    const done = items.filter((_, i) => ok[i]);
    const messages = done.flatMap((i) => i.run.messages);
    if (messages.length > 0) this.outbox.enqueueInto(statements, tx, messages, done[0]!.now);
    const progress = done
      .filter((i) => i.run.progress.length > 0)
      .map((i) => ({
        caseId: i.run.instance.case_id,
        entries: i.run.progress,
        actor: { type: i.run.actor.type, id: i.run.actor.id ?? null },
        now: i.now,
      }));
    if (progress.length > 0) this.cases.recordProgress(tx, progress, statements);
    // Everything after the guard in one round trip (MySQL), then the commands' own extra writes.
    await statements.flush();
    for (const i of done) await i.also?.(tx, i.now);
    return ok;
  }

  private async flowOf(state: LoadedState): Promise<FlowIndex> {
    const key = `${state.instance.flow_id}@${state.instance.flow_version}`;
    const index = await this.flows.get(key);
    if (!index) throw new Error(`flow ${key} is not published`);
    return index;
  }

  private async factsOf(state: LoadedState): Promise<Facts> {
    return ((await this.cases.facts(state.instance.case_id)) ?? {}) as unknown as Facts;
  }

  private async loadVisible(ref: StateRef, staffId: string) {
    const state = await this.repo.load(ref);
    if (!state || !this.canSee(staffId, state)) throw errors.notFound('task_not_found', '未找到该任务或办件');
    return { state, index: await this.flowOf(state) };
  }

  /**
   * Department scoping: staff see a case when they hold (or may claim, or were copied on) one of its
   * tasks, when its lead department or a department with a task on it is theirs (or below theirs),
   * or when they supervise (督办 needs to see every case).
   */
  canSee(staffId: string, state: LoadedState): boolean {
    if (state.tasks.some((t) => t.assignee_id === staffId || t.candidates?.includes(staffId))) return true;
    if (this.org.hasRole(staffId, 'supervisor')) return true;
    const scope = new Set(this.org.departmentsOf(staffId).flatMap((d) => this.org.descendantsOf(d)));
    return scope.has(state.instance.department) || state.tasks.some((t) => scope.has(t.department));
  }

  private requireSupervisor(staffId: string): void {
    if (!this.org.hasRole(staffId, 'supervisor'))
      throw errors.forbidden('not_supervisor', '只有督办人员可以执行此操作');
  }

  private progress(state: LoadedState, index: FlowIndex) {
    return state.nodes
      .filter((n) => n.node_type === 'approver' || n.node_type === 'automatic')
      .map((n) => {
        const node = index.has(n.node_id) ? index.node(n.node_id) : undefined;
        const department =
          node && 'department' in node && node.department ? node.department : index.flow.department;
        return {
          nodeId: n.node_id,
          name: node?.name ?? n.node_id,
          department: this.presentDepartment(department),
          status: n.status,
          round: n.round,
          startedAt: new Date(n.started_at).toISOString(),
          endedAt: n.ended_at ? new Date(n.ended_at).toISOString() : null,
          dueAt: n.due_at ? new Date(n.due_at).toISOString() : null,
        };
      });
  }

  private presentDepartment(code: string) {
    return { code, name: this.org.department(code)?.name ?? code };
  }

  private presentTask(task: TaskRow): TaskView {
    return presentTask(task, {
      now: this.now(),
      serviceName: this.options.serviceName?.(task.service_code),
      department: this.presentDepartment(task.department),
      staffName: (id) => this.org.staff(id)?.name,
    });
  }

  private env(now: number, facts: Facts): EngineEnv {
    const { calendar, org } = this;
    const region = this.options.region;
    return {
      now,
      newId: randomUUID,
      facts,
      resolve: (rule, department, f) => resolveAssignees(org, rule, department, f, this.dispatch),
      headOf: (d) => org.headOf(d),
      isMember: (staffId, department) => org.isMember(staffId, department, { includeChildren: true }),
      workingHoursBetween: (from, to) => calendar.workingHoursBetween(from, to, region),
      isActiveStaff: (id) => org.staff(id) !== undefined,
      departmentName: (code) => org.department(code)?.name ?? code,
      deadline: (from: number, limit: TimeLimit) =>
        limit.workingDays !== undefined
          ? calendar.addWorkingDays(from, limit.workingDays, region)
          : calendar.addWorkingHours(from, limit.hours ?? 0, region),
      shiftWorkingHours: (from, hours) =>
        hours >= 0
          ? calendar.addWorkingHours(from, hours, region)
          : workingHoursBefore(calendar, from, -hours, region),
    };
  }
}

const TIMER_TAKEN = new Error('timer already fired elsewhere');

/** A new case's flow, run in memory and waiting to be written with its case (opaque to intake). */
export type PreparedStart = Written;

/** A command's result waiting to be written. */
interface Written {
  run: FlowRun;
  /** The instance's row_version when loaded; null for a new instance. */
  loaded: number | null;
  now: number;
  also?: (tx: Tx, now: number) => Promise<void>;
}

/** The latest instant `h` office hours before `due` (the calendar only counts forwards). */
function workingHoursBefore(calendar: DeadlineCalendar, due: number, h: number, region?: string): number {
  let lo = due - 400 * 86_400_000;
  let hi = due;
  if (calendar.workingHoursBetween(lo, due, region) < h) return lo;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2);
    if (calendar.workingHoursBetween(mid, due, region) >= h) lo = mid;
    else hi = mid;
  }
  return lo;
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}.${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw errors.validation([
      { parameter: 'cursor', code: 'invalid_cursor', message: '游标无效，请从第一页重新加载' },
    ]);
  }
  return { createdAt: Number(match[1]), id: match[2]! };
}
