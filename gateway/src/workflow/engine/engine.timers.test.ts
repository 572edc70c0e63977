import type { TimeLimit, TimeoutPolicy } from '@gcrm/config/catalog';
import { describe, expect, it } from 'vitest';
import { approver, DAY, flow, HOUR, Sim, START } from './testing';

/** 会签 by hr-1 and hr-2 with a two-working-day limit, then a node of the department head. */
const sim = (onTimeout: TimeoutPolicy, extra: { remindBeforeHours?: number } = {}) =>
  new Sim([
    approver('review', ['hr-1', 'hr-2'], { timeLimit: { workingDays: 2, onTimeout, ...extra } }),
    approver('sign', ['hr-head']),
  ]).start();

describe('node deadline timers', () => {
  it('starting a node with a limit sets its due time and a node-due timer; near-due reminds before', () => {
    const s = sim({ action: 'remind' }, { remindBeforeHours: 8 });
    const row = s.row('review');
    expect(row.due_at).toBe(START + 2 * DAY);
    expect(s.open().map((t) => t.due_at)).toEqual([START + 2 * DAY, START + 2 * DAY]);
    expect(s.pending().map((t) => [t.kind, t.due_at, t.node_instance_id])).toEqual([
      ['node-due', START + 2 * DAY, row.id],
      ['node-near', START + 2 * DAY - 8 * HOUR, row.id],
    ]);
    s.advance(2 * DAY - 8 * HOUR).fireDue();
    expect(s.sent('task.deadline_near').map((m) => m.payload.assigneeId)).toEqual(['hr-1', 'hr-2']);
    expect(s.actions().at(-1)).toBe('deadline_near');
  });

  it('remind: task.overdue to the open tasks, repeated every N hours up to maxTimes', () => {
    const s = sim({ action: 'remind', repeatEveryHours: 4, maxTimes: 3 });
    s.approve(s.task('review', 'hr-1'));
    s.advance(2 * DAY).fireDue();
    expect(s.sent('task.overdue').map((m) => m.payload.assigneeId)).toEqual(['hr-2']);
    expect(s.history.at(-1)).toMatchObject({ action: 'timed_out', details: { action: 'remind' } });
    const [first] = s.pending();
    expect(first).toMatchObject({ kind: 'node-remind', payload: { times: 1 }, due_at: s.now + 4 * HOUR });

    s.advance(4 * HOUR).fireDue();
    expect(s.pending().map((t) => [t.kind, t.payload.times])).toEqual([['node-remind', 2]]);
    s.advance(4 * HOUR).fireDue();
    expect(s.sent('task.overdue')).toHaveLength(3);
    expect(s.pending()).toEqual([]);
    expect(s.row('review').status).toBe('active');
  });

  it('remind without repeat reminds once', () => {
    const s = sim({ action: 'remind' });
    s.advance(2 * DAY).fireDue();
    expect(s.sent('task.overdue')).toHaveLength(2);
    expect(s.pending()).toEqual([]);
  });

  it('escalate: tasks are supervised, the supervisors and the department head get a 督办 copy', () => {
    const s = sim({
      action: 'escalate',
      to: { type: 'role', role: 'supervisor', department: 'supervision' },
    });
    s.advance(2 * DAY).fireDue();
    expect(s.open().map((t) => [t.assignee_id, t.supervised_at])).toEqual([
      ['hr-1', s.now],
      ['hr-2', s.now],
    ]);
    expect(s.sent('task.supervised')).toHaveLength(2);
    expect(s.ccs('review').map((t) => [t.assignee_id, t.origin, t.department])).toEqual([
      ['sup-1', 'escalation', 'hrss'],
      ['sup-2', 'escalation', 'hrss'],
      ['hr-head', 'escalation', 'hrss'],
    ]);
    expect(s.actions().slice(-2)).toEqual(['timed_out', 'supervised']);
    expect(s.row('review').status).toBe('active');
  });

  it('escalate does not copy someone who holds one of the tasks', () => {
    const s = new Sim([
      approver('review', ['hr-head'], {
        timeLimit: {
          workingDays: 1,
          onTimeout: { action: 'escalate', to: { type: 'user', users: ['sup-1'] } },
        },
      }),
    ]).start();
    s.advance(DAY).fireDue();
    expect(s.ccs().map((t) => t.assignee_id)).toEqual(['sup-1']);
  });

  it('transfer: the open task moves to the person the rule names; the deadline stays', () => {
    const s = new Sim([
      approver('review', ['hr-1'], {
        timeLimit: {
          workingDays: 1,
          onTimeout: { action: 'transfer', to: { type: 'user', users: ['hr-3'] } },
        },
      }),
    ]).start();
    const old = s.task('review');
    s.advance(DAY).fireDue();
    expect(old).toMatchObject({ status: 'transferred', outcome: 'transferred' });
    expect(s.task('review')).toMatchObject({ assignee_id: 'hr-3', origin: 'transfer', due_at: old.due_at });
    expect(s.history.at(-1)).toMatchObject({
      action: 'reassigned',
      actor_type: 'system',
      details: { to: 'hr-3' },
    });
  });

  it('transfer: each open task to a different person, nobody twice', () => {
    const s = sim({ action: 'transfer', to: { type: 'user', users: ['hr-2', 'hr-3', 'hr-chief'] } });
    s.advance(2 * DAY).fireDue();
    expect(s.holders()).toEqual(['hr-3', 'hr-chief']);
  });

  it('auto-approve: the open tasks are approved and the node completes', () => {
    const s = sim({ action: 'auto-approve' });
    s.approve(s.task('review', 'hr-1'));
    s.advance(2 * DAY).fireDue();
    expect(s.tasks({ node: 'review' }).map((t) => [t.status, t.outcome])).toEqual([
      ['completed', 'approved'],
      ['completed', 'approved'],
    ]);
    expect(s.history.filter((h) => h.action === 'auto_approved')).toHaveLength(1);
    expect(s.row('review')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(s.active()).toEqual(['sign']);
  });

  it('auto-approve works through a sequential queue and a 前加签', () => {
    const s = new Sim([
      approver('review', ['hr-1', 'hr-2'], {
        mode: 'sequential',
        timeLimit: { workingDays: 1, onTimeout: { action: 'auto-approve' } },
      }),
      approver('sign', ['hr-head']),
    ]).start();
    s.addApprovers(s.task('review'), ['hr-chief'], 'before');
    s.advance(DAY).fireDue();
    expect(s.tasks({ node: 'review' }).map((t) => [t.assignee_id, t.outcome])).toEqual([
      ['hr-1', 'approved'],
      ['hr-chief', 'approved'],
      ['hr-2', 'approved'],
    ]);
    expect(s.active()).toEqual(['sign']);
  });

  it('the timer of a node already completed does nothing', () => {
    const s = sim({ action: 'auto-approve' });
    const [due] = s.pending('node-due');
    s.approve(s.task('review', 'hr-1'));
    s.approve(s.task('review', 'hr-2'));
    expect(due?.status).toBe('cancelled');
    s.advance(2 * DAY).fire(due!);
    expect(s.last.history).toEqual([]);
    expect(s.last.messages).toEqual([]);
    expect(s.active()).toEqual(['sign']);
  });

  it('the deadline timer of an earlier round does nothing to the new round', () => {
    const s = new Sim([
      approver('a', ['hr-chief']),
      approver('review', ['hr-1'], {
        timeLimit: { workingDays: 1, onTimeout: { action: 'auto-approve' } },
      }),
    ]).start();
    s.approve(s.task('a'));
    const [due] = s.pending('node-due');
    s.sendBack(s.task('review'), 'a');
    s.approve(s.task('a'));
    s.advance(DAY).fire(due!);
    expect(s.open().map((t) => [t.node_id, t.status])).toEqual([['review', 'open']]);
  });
});

describe('case deadline timers', () => {
  const caseLimit = { workingDays: 10, remindBeforeHours: 16, onTimeout: { action: 'remind' as const } };

  it('case-near and case-due fire case.deadline_near and case.overdue', () => {
    expect(new Sim(caseFlow(undefined)).start().pending()).toEqual([]);

    const c = new Sim(caseFlow(caseLimit)).start();
    expect(c.instance.due_at).toBe(START + 10 * DAY);
    expect(c.pending().map((t) => [t.kind, t.due_at])).toEqual([
      ['case-due', START + 10 * DAY],
      ['case-near', START + 10 * DAY - 16 * HOUR],
    ]);
    c.advance(10 * DAY - 16 * HOUR).fireDue();
    expect(c.topics().at(-1)).toBe('case.deadline_near');
    c.advance(16 * HOUR).fireDue();
    expect(c.sent('case.overdue')[0]?.payload).toMatchObject({ dueAt: START + 10 * DAY, status: 'running' });
    expect(c.actions().at(-1)).toBe('case_overdue');
    expect(c.instance.status).toBe('running');
  });

  it('all case timers go when the case ends, and a late one does nothing', () => {
    const s = new Sim(caseFlow(caseLimit)).start();
    const [due] = s.pending('case-due');
    s.approve(s.task('review'));
    expect(s.pending()).toEqual([]);
    s.advance(10 * DAY).fire(due!);
    expect(s.last.messages).toEqual([]);
  });

  it('a case deadline passing while the case waits for a correction is not lost', () => {
    const s = new Sim(caseFlow(caseLimit)).start();
    s.sendBack(s.task('review'), 'applicant');
    s.advance(11 * DAY).fireDue();
    s.resume();
    // Either the overdue case was reported, or its deadline still runs (e.g. moved by the correction time).
    expect(s.sent('case.overdue').length + s.pending('case-due').length).toBeGreaterThan(0);
  });

  it('stops the case clock while the applicant holds the case (补正期间不计入办理时限)', () => {
    const s = new Sim(caseFlow(caseLimit)).start();
    const due = s.state.instance.due_at!;
    s.sendBack(s.task('review'), 'applicant');
    expect(s.pending('case-due')).toHaveLength(0);
    s.advance(3 * DAY).fireDue();
    expect(s.sent('case.overdue')).toHaveLength(0);
    s.resume();
    // The harness counts every hour as a working hour: the deadline moves by the time away (+1 minute per command).
    expect(s.state.instance.due_at! - due).toBeGreaterThanOrEqual(3 * DAY);
    expect(s.pending('case-due').map((t) => t.due_at)).toEqual([s.state.instance.due_at]);
  });
});

function caseFlow(timeLimit: TimeLimit | undefined) {
  return flow([approver('review', ['hr-1'])], { timeLimit });
}
