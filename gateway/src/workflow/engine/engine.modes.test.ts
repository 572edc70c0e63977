import { describe, expect, it } from 'vitest';
import { appError, approver, Sim } from './testing';

const statuses = (sim: Sim, node: string) =>
  sim.tasks({ node }).map((t) => [t.assignee_id, t.status, t.outcome]);

describe('依次审批 (sequential)', () => {
  const flow = () => [
    approver('review', ['hr-2', 'hr-1', 'hr-3'], { mode: 'sequential' }),
    approver('sign', ['hr-head']),
  ];

  it('gives the task to one person after the other, in the listed order', () => {
    const sim = new Sim(flow()).start();
    expect(sim.holders()).toEqual(['hr-2']);
    expect(sim.row('review').state.queue).toEqual(['hr-1', 'hr-3']);

    sim.approve(sim.task('review'));
    expect(sim.holders()).toEqual(['hr-1']);
    expect(sim.row('review').state.queue).toEqual(['hr-3']);

    sim.approve(sim.task('review'));
    expect(sim.holders()).toEqual(['hr-3']);
    expect(sim.row('review').status).toBe('active');
  });

  it('completes the node after the last approval and moves on', () => {
    const sim = new Sim(flow()).start();
    for (let i = 0; i < 3; i++) sim.approve(sim.task('review'));
    expect(sim.row('review')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(sim.tasks({ node: 'review' }).map((t) => [t.assignee_id, t.seq, t.outcome])).toEqual([
      ['hr-2', 0, 'approved'],
      ['hr-1', 1, 'approved'],
      ['hr-3', 2, 'approved'],
    ]);
    expect(sim.holders()).toEqual(['hr-head']);
    sim.approve(sim.task('sign'));
    expect(sim.instance.status).toBe('approved');
    expect(sim.actions()).toEqual([
      'started',
      'approved',
      'approved',
      'approved',
      'approved',
      'case_approved',
    ]);
  });

  it('stops the queue at a rejection', () => {
    const sim = new Sim(flow()).start();
    sim.approve(sim.task('review'));
    sim.reject(sim.task('review'));
    expect(statuses(sim, 'review')).toEqual([
      ['hr-2', 'completed', 'approved'],
      ['hr-1', 'completed', 'rejected'],
    ]);
    expect(sim.row('review').status).toBe('rejected');
    expect(sim.instance.status).toBe('rejected');
  });
});

describe('会签 (all)', () => {
  const people = ['hr-1', 'hr-2', 'hr-3'];

  it('opens one task per approver and completes only when all have approved', () => {
    const sim = new Sim([approver('review', people), approver('sign', ['hr-head'])]).start();
    expect(sim.holders('review')).toEqual(people);
    sim.approve(sim.task('review', 'hr-2'));
    sim.approve(sim.task('review', 'hr-1'));
    expect(sim.row('review').status).toBe('active');
    expect(sim.holders()).toEqual(['hr-3']);
    sim.approve(sim.task('review', 'hr-3'));
    expect(sim.row('review')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(sim.holders()).toEqual(['hr-head']);
    expect(sim.progressLog()).toEqual(['step_completed']);
  });

  it('one rejection rejects the node, cancels the other open tasks and ends the case (before 受理)', () => {
    const sim = new Sim([approver('review', people), approver('sign', ['hr-head'])]).start();
    sim.approve(sim.task('review', 'hr-1'));
    sim.reject(sim.task('review', 'hr-2'), undefined, '材料不全');
    expect(statuses(sim, 'review')).toEqual([
      ['hr-1', 'completed', 'approved'],
      ['hr-2', 'completed', 'rejected'],
      ['hr-3', 'cancelled', 'not_needed'],
    ]);
    expect(sim.row('review')).toMatchObject({ status: 'rejected', outcome: 'rejected' });
    expect(sim.rows('sign')).toEqual([]);
    expect(sim.instance).toMatchObject({ status: 'rejected', ended_at: sim.now });
    expect(sim.progressLog()).toEqual(['rejected→rejected']);
    expect(sim.progress.at(-1)?.note).toContain('材料不全');
    expect(sim.topics()).toContain('case.rejected');
    expect(sim.actions().slice(-2)).toEqual(['rejected', 'case_rejected']);
    expect(sim.last.cancelAllTimers).toBe(true);
  });

  it('a rejection after an accepting node completed denies the case', () => {
    const sim = new Sim([
      approver('intake', ['hr-1'], { mode: 'any', accepts: true }),
      approver('review', ['hr-2', 'hr-3']),
    ]).start();
    sim.approve(sim.task('intake'));
    expect(sim.instance.accepted_at).toBe(sim.now);
    expect(sim.topics()).toContain('case.accepted');
    sim.reject(sim.task('review', 'hr-3'));
    expect(sim.instance.status).toBe('rejected');
    expect(sim.progressLog()).toEqual(['accepted→accepted', 'denied→denied']);
    expect(sim.progress.at(-1)?.fromStatus).toBe('accepted');
  });

  it('with onReject return, a rejection rewinds to the target node', () => {
    const sim = new Sim([
      approver('intake', ['hr-1']),
      approver('review', people, { onReject: { action: 'return', to: 'intake' } }),
    ]).start();
    sim.approve(sim.task('intake'));
    sim.reject(sim.task('review', 'hr-3'));
    expect(sim.row('review').status).toBe('rejected');
    expect(statuses(sim, 'review').map(([, status]) => status)).toEqual([
      'cancelled',
      'cancelled',
      'completed',
    ]);
    expect(sim.instance.status).toBe('running');
    expect(sim.rows('intake').map((r) => [r.round, r.status])).toEqual([
      [1, 'completed'],
      [2, 'active'],
    ]);
    expect(sim.holders()).toEqual(['hr-1']);
    expect(sim.actions().slice(-2)).toEqual(['rejected', 'rewound']);
    sim.approve(sim.task('intake'));
    expect(sim.rows('review').map((r) => r.round)).toEqual([1, 2]);
    expect(sim.holders('review')).toEqual(people);
  });

  it('with onReject return to previous, a rejection rewinds to the node before', () => {
    const sim = new Sim([
      approver('intake', ['hr-1']),
      approver('check', ['hr-2']),
      approver('review', ['hr-3'], { onReject: { action: 'return', to: 'previous' } }),
    ]).start();
    sim.approve(sim.task('intake'));
    sim.approve(sim.task('check'));
    sim.reject(sim.task('review'));
    expect(sim.active()).toEqual(['check']);
    expect(sim.row('check').round).toBe(2);
  });
});

describe('或签 (any)', () => {
  const people = ['hr-1', 'hr-2', 'hr-3'];

  it('the first approval completes the node and cancels the other tasks', () => {
    const sim = new Sim([approver('review', people, { mode: 'any' }), approver('sign', ['hr-head'])]).start();
    expect(sim.holders('review')).toEqual(people);
    sim.approve(sim.task('review', 'hr-2'));
    expect(statuses(sim, 'review')).toEqual([
      ['hr-1', 'cancelled', 'not_needed'],
      ['hr-2', 'completed', 'approved'],
      ['hr-3', 'cancelled', 'not_needed'],
    ]);
    expect(sim.row('review')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(sim.sent('task.cancelled').map((m) => m.payload.assigneeId)).toEqual(['hr-1', 'hr-3']);
    expect(sim.holders()).toEqual(['hr-head']);
  });

  it('a later command on a cancelled task is refused with 409 task_not_open', () => {
    const sim = new Sim([approver('review', people, { mode: 'any' }), approver('sign', ['hr-head'])]).start();
    const late = sim.task('review', 'hr-1');
    sim.approve(sim.task('review', 'hr-2'));
    const error = appError(() => sim.approve(late));
    expect(error).toMatchObject({ status: 409, code: 'task_not_open' });
    expect(appError(() => sim.reject(late))).toMatchObject({ status: 409, code: 'task_not_open' });
    expect(late.status).toBe('cancelled');
  });

  it('a rejection by one or-signer rejects the node', () => {
    const sim = new Sim([approver('review', people, { mode: 'any' }), approver('sign', ['hr-head'])]).start();
    sim.reject(sim.task('review', 'hr-1'));
    expect(sim.row('review').status).toBe('rejected');
    expect(statuses(sim, 'review')).toEqual([
      ['hr-1', 'completed', 'rejected'],
      ['hr-2', 'cancelled', 'not_needed'],
      ['hr-3', 'cancelled', 'not_needed'],
    ]);
    expect(sim.instance.status).toBe('rejected');
  });

  it('a node without anyone to ask is approved automatically, or goes to the department head', () => {
    const nobody = new Sim([approver('review', []), approver('sign', ['hr-1'])]).start();
    expect(nobody.row('review')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(nobody.history.find((h) => h.action === 'auto_approved')?.details).toEqual({
      reason: 'no_assignee',
    });
    expect(nobody.holders()).toEqual(['hr-1']);

    const head = new Sim([approver('review', ['hr-left'], { whenNoAssignee: 'department-head' })]).start();
    expect(head.holders()).toEqual(['hr-head']);
  });
});

describe('签收 (claim of a group task)', () => {
  const group = () =>
    new Sim([
      approver('review', [], { mode: 'any', claim: true, assignees: [{ type: 'role', role: 'clerk' }] }),
      approver('sign', ['hr-head']),
    ]).start();

  it('creates one unassigned task for the candidates', () => {
    const sim = group();
    expect(sim.open()).toHaveLength(1);
    expect(sim.task('review')).toMatchObject({ assignee_id: null, candidates: ['hr-1', 'hr-2', 'hr-3'] });
  });

  it('a candidate claims it; a non-candidate is refused with 403, a second claimer with 409', () => {
    const sim = group();
    const task = sim.task('review');
    expect(appError(() => sim.claim(task, 'amr-1'))).toMatchObject({ status: 403, code: 'not_a_candidate' });
    expect(task.assignee_id).toBeNull();

    sim.claim(task, 'hr-2');
    expect(task).toMatchObject({
      assignee_id: 'hr-2',
      candidates: null,
      claimed_at: sim.now,
      status: 'open',
    });
    expect(sim.last.releasedCandidates).toEqual([task.id]);
    expect(sim.actions().at(-1)).toBe('claimed');

    expect(sim.claim(task, 'hr-2')).toBe(task);
    expect(appError(() => sim.claim(task, 'hr-1'))).toMatchObject({
      status: 409,
      code: 'task_already_claimed',
    });
    expect(appError(() => sim.approve(task, 'hr-1'))).toMatchObject({ status: 403, code: 'not_assignee' });
    sim.approve(task, 'hr-2');
    expect(sim.holders()).toEqual(['hr-head']);
  });

  it('acting on an unclaimed group task claims it implicitly', () => {
    const sim = group();
    const task = sim.task('review');
    sim.approve(task, 'hr-3');
    expect(task).toMatchObject({ assignee_id: 'hr-3', status: 'completed', outcome: 'approved' });
    expect(sim.actions().slice(-2)).toEqual(['claimed', 'approved']);
    expect(appError(() => sim.approve(sim.task('sign'), 'hr-1'))).toMatchObject({ status: 403 });
  });

  it('a non-candidate cannot act on it either', () => {
    const sim = group();
    expect(appError(() => sim.approve(sim.task('review'), 'tax-1'))).toMatchObject({ status: 403 });
    expect(sim.task('review').assignee_id).toBeNull();
  });

  it('with only one candidate the task is assigned directly', () => {
    const sim = new Sim([approver('review', ['hr-1'], { mode: 'any', claim: true })]).start();
    expect(sim.task('review')).toMatchObject({ assignee_id: 'hr-1', candidates: null });
  });
});
