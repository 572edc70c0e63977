import { describe, expect, it } from 'vitest';
import { appError, approver, CITIZEN, cc, DAY, HOUR, Sim, START } from './testing';

const limit = { workingDays: 3, onTimeout: { action: 'remind' as const } };

describe('转交 (transfer)', () => {
  const sim = () => new Sim([approver('review', ['hr-1', 'hr-2'], { timeLimit: limit })]).start();

  it('moves the task to an active colleague of its department; the new task keeps the deadline', () => {
    const s = sim();
    const old = s.task('review', 'hr-1');
    expect(old.due_at).toBe(START + 3 * DAY);
    const copy = s.transfer(old, 'hr-3');
    expect(old).toMatchObject({ status: 'transferred', outcome: 'transferred', completed_at: s.now });
    expect(copy).toMatchObject({
      assignee_id: 'hr-3',
      origin: 'transfer',
      parent_task_id: old.id,
      due_at: START + 3 * DAY,
      seq: old.seq,
      status: 'open',
      node_instance_id: old.node_instance_id,
    });
    expect(s.sent('task.transferred')[0]?.payload).toMatchObject({ from: old.id, previousAssignee: 'hr-1' });
    expect(s.history.at(-1)).toMatchObject({
      action: 'transferred',
      task_id: old.id,
      details: { to: 'hr-3' },
    });
    expect(s.holders()).toEqual(['hr-2', 'hr-3']);
    s.approve(s.task('review', 'hr-3'));
    expect(s.row('review').status).toBe('active');
    s.approve(s.task('review', 'hr-2'));
    expect(s.instance.status).toBe('approved');
  });

  it('a transferred task can be transferred again; the copy points at the first task', () => {
    const s = sim();
    const first = s.task('review', 'hr-1');
    const second = s.transfer(first, 'hr-3');
    const third = s.transfer(second, 'pen-1');
    expect(third).toMatchObject({ assignee_id: 'pen-1', origin: 'transfer', parent_task_id: first.id });
  });

  it('accepts a member of a department below the task department', () => {
    const s = sim();
    expect(s.transfer(s.task('review', 'hr-1'), 'pen-1').assignee_id).toBe('pen-1');
  });

  it('refuses another department, a person who left, and the current assignee (400)', () => {
    const s = sim();
    const task = s.task('review', 'hr-1');
    for (const to of ['amr-1', 'hr-left', 'nobody']) {
      const error = appError(() => s.transfer(task, to));
      expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(error.errors?.[0]).toMatchObject({ pointer: '/to', code: 'invalid_assignee' });
    }
    expect(appError(() => s.transfer(task, 'hr-1')).errors?.[0]?.code).toBe('same_assignee');
    expect(task.status).toBe('open');
    expect(s.open()).toHaveLength(2);
  });

  it('refuses a colleague who already decides at the same node (their vote would count twice in 会签)', () => {
    const s = sim();
    const error = appError(() => s.transfer(s.task('review', 'hr-1'), 'hr-2'));
    expect(error.status).toBe(400);
  });

  it('only the assignee may transfer, and only where the node offers it', () => {
    const s = sim();
    expect(appError(() => s.transfer(s.task('review', 'hr-1'), 'hr-3', 'hr-2'))).toMatchObject({
      status: 403,
      code: 'not_assignee',
    });
    const strict = new Sim([approver('review', ['hr-1'], { actions: ['approve', 'reject'] })]).start();
    expect(appError(() => strict.transfer(strict.task('review'), 'hr-3'))).toMatchObject({
      status: 409,
      code: 'action_not_allowed',
    });
  });
});

describe('加签 (add approvers) during 会签', () => {
  const sim = () => new Sim([approver('review', ['hr-1', 'hr-2']), approver('sign', ['hr-head'])]).start();

  it('before: my task waits until the added approver approves, then it is mine again', () => {
    const s = sim();
    const mine = s.task('review', 'hr-1');
    s.addApprovers(mine, ['hr-chief'], 'before');
    expect(mine.status).toBe('waiting');
    const added = s.task('review', 'hr-chief');
    expect(added).toMatchObject({ origin: 'add-before', parent_task_id: mine.id, seq: mine.seq });
    expect(s.history.at(-1)).toMatchObject({
      action: 'approver_added',
      details: { position: 'before', staffIds: ['hr-chief'] },
    });
    expect(appError(() => s.approve(mine))).toMatchObject({ status: 409, code: 'task_not_open' });

    s.approve(added);
    expect(mine.status).toBe('open');
    expect(s.sent('task.created').at(-1)?.payload).toMatchObject({ taskId: mine.id, reopened: true });
    s.approve(s.task('review', 'hr-2'));
    expect(s.row('review').status).toBe('active');
    s.approve(mine);
    expect(s.row('review').status).toBe('completed');
    expect(s.holders()).toEqual(['hr-head']);
  });

  it('before, with two people: my task opens again only when both have approved', () => {
    const s = sim();
    const mine = s.task('review', 'hr-1');
    s.addApprovers(mine, ['hr-chief', 'hr-3'], 'before');
    s.approve(s.task('review', 'hr-3'));
    expect(mine.status).toBe('waiting');
    s.approve(s.task('review', 'hr-chief'));
    expect(mine.status).toBe('open');
  });

  it('after: my approval counts now; the added approver must still approve before the node completes', () => {
    const s = sim();
    const mine = s.task('review', 'hr-1');
    s.addApprovers(mine, ['hr-chief'], 'after');
    expect(mine).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(s.actions().slice(-2)).toEqual(['approver_added', 'approved']);
    expect(s.task('review', 'hr-chief')).toMatchObject({ origin: 'add-after', parent_task_id: mine.id });
    s.approve(s.task('review', 'hr-2'));
    expect(s.row('review').status).toBe('active');
    s.approve(s.task('review', 'hr-chief'));
    expect(s.row('review').status).toBe('completed');
  });

  it('parallel: the added approver and I both have to approve', () => {
    const s = sim();
    const mine = s.task('review', 'hr-1');
    s.addApprovers(mine, ['hr-chief'], 'parallel');
    expect(mine.status).toBe('open');
    expect(s.task('review', 'hr-chief').origin).toBe('add-parallel');
    s.approve(mine);
    s.approve(s.task('review', 'hr-2'));
    expect(s.row('review').status).toBe('active');
    s.approve(s.task('review', 'hr-chief'));
    expect(s.row('review').status).toBe('completed');
  });

  it('a rejection by an added approver rejects the node', () => {
    const s = sim();
    s.addApprovers(s.task('review', 'hr-1'), ['hr-chief'], 'before');
    s.reject(s.task('review', 'hr-chief'));
    expect(s.row('review').status).toBe('rejected');
    expect(s.tasks({ node: 'review', assignee: 'hr-1' })[0]).toMatchObject({
      status: 'cancelled',
      outcome: 'not_needed',
    });
    expect(s.instance.status).toBe('rejected');
  });

  it('refuses myself, someone already deciding at the node, and people who left (400)', () => {
    const s = sim();
    const mine = s.task('review', 'hr-1');
    for (const p of ['hr-1', 'hr-2', 'hr-left']) {
      const error = appError(() => s.addApprovers(mine, ['hr-chief', p], 'before'));
      expect(error).toMatchObject({ status: 400 });
      expect(error.errors?.[0]).toMatchObject({ pointer: '/staffIds/1', code: 'invalid_assignee' });
    }
    expect(mine.status).toBe('open');
    expect(s.open()).toHaveLength(2);
  });

  it('in 或签, an or-signer’s 前加签 child is cancelled when another or-signer approves', () => {
    const s = new Sim([approver('review', ['hr-1', 'hr-2'], { mode: 'any' }), approver('sign', ['hr-head'])]);
    s.start();
    const mine = s.task('review', 'hr-1');
    s.addApprovers(mine, ['hr-chief'], 'before');
    const added = s.task('review', 'hr-chief');
    s.approve(s.task('review', 'hr-2'));
    expect(mine).toMatchObject({ status: 'cancelled', outcome: 'not_needed' });
    expect(added).toMatchObject({ status: 'cancelled', outcome: 'not_needed' });
    expect(s.row('review').status).toBe('completed');
    expect(s.holders()).toEqual(['hr-head']);
  });

  it('in 或签, a 后加签 approver still decides before the node completes', () => {
    const s = new Sim([approver('review', ['hr-1', 'hr-2'], { mode: 'any' }), approver('sign', ['hr-head'])]);
    s.start();
    s.addApprovers(s.task('review', 'hr-1'), ['hr-chief'], 'after');
    expect(s.tasks({ node: 'review', assignee: 'hr-2' })[0]?.status).toBe('cancelled');
    expect(s.row('review').status).toBe('active');
    s.approve(s.task('review', 'hr-chief'));
    expect(s.holders()).toEqual(['hr-head']);
  });
});

describe('抄送 (cc)', () => {
  it('a cc node creates cc items and the flow moves on', () => {
    const s = new Sim([cc('notify', ['amr-1', 'amr-2', 'amr-1']), approver('review', ['hr-1'])]).start();
    expect(s.ccs('notify').map((t) => [t.assignee_id, t.kind, t.status, t.origin, t.department])).toEqual([
      ['amr-1', 'cc', 'open', 'cc', 'hrss'],
      ['amr-2', 'cc', 'open', 'cc', 'hrss'],
    ]);
    expect(s.row('notify')).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(s.sent('cc.created')).toHaveLength(2);
    expect(s.holders()).toEqual(['hr-1']);
  });

  it('a cc node on behalf of another department, by role', () => {
    const s = new Sim([
      cc('notify', [], { department: 'tax', recipients: [{ type: 'role', role: 'clerk' }] }),
      approver('review', ['hr-1']),
    ]).start();
    expect(s.ccs().map((t) => [t.assignee_id, t.department])).toEqual([
      ['tax-1', 'tax'],
      ['tax-2', 'tax'],
    ]);
  });

  it('an assignee copies colleagues ad hoc; the task stays open', () => {
    const s = new Sim([approver('review', ['hr-1'])]).start();
    const task = s.task('review');
    s.carbonCopy(task, ['tax-1', 'amr-1']);
    expect(s.ccs('review').map((t) => [t.assignee_id, t.node_instance_id, t.origin])).toEqual([
      ['tax-1', task.node_instance_id, 'cc'],
      ['amr-1', task.node_instance_id, 'cc'],
    ]);
    expect(task.status).toBe('open');
    expect(s.history.at(-1)).toMatchObject({ action: 'cc', details: { staffIds: ['tax-1', 'amr-1'] } });
    expect(appError(() => s.carbonCopy(task, ['tax-2'], 'hr-2'))).toMatchObject({ status: 403 });
    expect(appError(() => s.carbonCopy(task, ['hr-left']))).toMatchObject({ status: 400 });
  });

  it('markRead completes a cc item of its recipient, once', () => {
    const s = new Sim([cc('notify', ['amr-1']), approver('review', ['hr-1'])]).start();
    const item = s.ccs()[0]!;
    expect(appError(() => s.markRead(item, 'amr-2'))).toMatchObject({ status: 404 });
    expect(appError(() => s.markRead(s.task('review'), 'hr-1'))).toMatchObject({
      status: 409,
      code: 'not_cc',
    });
    s.markRead(item);
    expect(item).toMatchObject({ status: 'completed', outcome: 'read' });
    const at = item.completed_at;
    s.markRead(item);
    expect(item.completed_at).toBe(at);
  });

  it('a cc item cannot be approved', () => {
    const s = new Sim([cc('notify', ['amr-1']), approver('review', ['hr-1'])]).start();
    expect(appError(() => s.approve(s.ccs()[0]!))).toMatchObject({
      status: 409,
      code: 'task_not_actionable',
    });
  });
});

describe('催办 (urge) and 督办 (supervise)', () => {
  it('urge marks the open tasks and sends task.urged; again within the hour is 429', () => {
    const s = new Sim([approver('review', ['hr-1', 'hr-2'])]).start();
    const urged = s.urge();
    expect(urged.map((t) => t.assignee_id)).toEqual(['hr-1', 'hr-2']);
    expect(s.open().every((t) => t.urged_at === s.now)).toBe(true);
    expect(s.sent('task.urged').map((m) => [m.payload.assigneeId, m.payload.by])).toEqual([
      ['hr-1', 'citizen'],
      ['hr-2', 'citizen'],
    ]);
    expect(s.actions().at(-1)).toBe('urged');

    s.advance(30 * 60_000);
    const error = appError(() => s.urge());
    expect(error).toMatchObject({ status: 429, code: 'urge_too_frequent' });
    expect(error.headers).toEqual({ 'Retry-After': '3600' });

    s.advance(HOUR);
    expect(s.urge({ type: 'staff', id: 'hr-head' })).toHaveLength(2);
  });

  it('within the hour only tasks not urged yet are urged', () => {
    const s = new Sim([approver('review', ['hr-1', 'hr-2'], { mode: 'sequential' })]).start();
    s.urge();
    s.approve(s.task('review'));
    expect(s.urge().map((t) => t.assignee_id)).toEqual(['hr-2']);
  });

  it('nothing to urge when no task is open', () => {
    const s = new Sim([approver('review', ['hr-1'])]).start();
    s.approve(s.task('review'));
    expect(appError(() => s.urge())).toMatchObject({ status: 409, code: 'nothing_to_urge' });
  });

  it('supervise marks the open tasks and copies the department head', () => {
    const s = new Sim([approver('review', ['hr-1', 'hr-2'])]).start();
    s.supervise();
    expect(s.open().map((t) => t.supervised_at)).toEqual([s.now, s.now]);
    expect(s.sent('task.supervised')).toHaveLength(2);
    expect(s.ccs().map((t) => [t.assignee_id, t.origin])).toEqual([['hr-head', 'escalation']]);
    expect(s.actions().at(-1)).toBe('supervised');
  });
});

describe('撤回 (withdraw)', () => {
  const flow = () => [
    approver('intake', ['hr-1'], { accepts: true, timeLimit: limit }),
    approver('review', ['hr-2', 'hr-3']),
  ];

  it('before 受理: the case is withdrawn, tasks cancelled, all timers cancelled', () => {
    const s = new Sim(flow()).start();
    expect(s.pending('node-due')).toHaveLength(1);
    s.withdraw();
    expect(s.instance).toMatchObject({ status: 'withdrawn', ended_at: s.now });
    expect(s.tasks().map((t) => [t.status, t.outcome])).toEqual([['cancelled', 'not_needed']]);
    expect(s.row('intake').status).toBe('cancelled');
    expect(s.last.cancelAllTimers).toBe(true);
    expect(s.pending()).toEqual([]);
    expect(s.progressLog()).toEqual(['withdrawn→withdrawn']);
    expect(s.topics()).toContain('case.withdrawn');
    expect(s.actions().slice(-2)).toEqual(['withdrawn', 'case_withdrawn']);
  });

  it('is refused after 受理 (409 case_already_accepted)', () => {
    const s = new Sim(flow()).start();
    s.approve(s.task('intake'));
    expect(appError(() => s.withdraw())).toMatchObject({ status: 409, code: 'case_already_accepted' });
    expect(s.instance.status).toBe('running');
    expect(s.open()).toHaveLength(2);
  });

  it('is refused for another citizen (404)', () => {
    const s = new Sim(flow()).start();
    expect(appError(() => s.withdraw('citizen-2'))).toMatchObject({ status: 404, code: 'case_not_found' });
    expect(s.instance.status).toBe('running');
  });

  it('is possible while the case waits for a correction, and not after the case is closed', () => {
    const s = new Sim(flow()).start();
    s.sendBack(s.task('intake'), 'applicant');
    expect(s.instance.status).toBe('correction');
    s.withdraw(CITIZEN);
    expect(s.instance.status).toBe('withdrawn');
    expect(s.row('intake').status).toBe('cancelled');
    expect(appError(() => s.withdraw())).toMatchObject({ status: 409, code: 'case_closed' });
  });
});
