import { describe, expect, it } from 'vitest';
import { appError, approver, condition, DAY, parallel, rulesCheck, Sim } from './testing';

const rounds = (sim: Sim, node: string) => sim.rows(node).map((r) => [r.round, r.status]);

/** a → b → c → d, one approver each. */
const line = () =>
  new Sim([
    approver('a', ['hr-1'], { accepts: true }),
    approver('b', ['hr-2']),
    approver('c', ['hr-3'], { timeLimit: { workingDays: 2, onTimeout: { action: 'remind' } } }),
    approver('d', ['hr-chief']),
  ]).start();

const through = (sim: Sim, ...nodes: string[]) => {
  for (const n of nodes) sim.approve(sim.task(n));
};

describe('退回 to an earlier node', () => {
  it('previous: the node before runs again, then the returning node', () => {
    const sim = line();
    through(sim, 'a', 'b');
    const task = sim.task('c');
    sim.sendBack(task, 'previous', undefined, '意见不明确');
    expect(task).toMatchObject({ status: 'completed', outcome: 'returned' });
    expect(sim.row('c')).toMatchObject({ status: 'returned', outcome: 'returned' });
    expect(sim.history.slice(-2).map((h) => [h.action, h.node_id, h.details])).toEqual([
      ['returned', 'c', { target: 'previous' }],
      ['rewound', 'b', { from: 'c' }],
    ]);
    expect(sim.last.cancelNodeTimers).toEqual([sim.rows('c')[0]!.id]);
    expect(rounds(sim, 'b')).toEqual([
      [1, 'completed'],
      [2, 'active'],
    ]);
    expect(sim.holders()).toEqual(['hr-2']);
    sim.approve(sim.task('b'));
    expect(rounds(sim, 'c')).toEqual([
      [1, 'returned'],
      [2, 'active'],
    ]);
  });

  it('any earlier node: it and everything after it run again, rounds increase', () => {
    const sim = line();
    through(sim, 'a', 'b', 'c');
    sim.sendBack(sim.task('d'), 'a');
    expect(sim.active()).toEqual(['a']);
    through(sim, 'a', 'b', 'c');
    expect(sim.active()).toEqual(['d']);
    for (const n of ['a', 'b', 'c']) expect(sim.rows(n).map((r) => r.round)).toEqual([1, 2]);
    expect(rounds(sim, 'd')).toEqual([
      [1, 'returned'],
      [2, 'active'],
    ]);
    // 受理 happened once: the second completion of the accepting node is an ordinary step.
    expect(sim.progressLog()).toEqual([
      'accepted→accepted',
      'step_completed',
      'step_completed',
      'step_completed',
      'step_completed',
      'step_completed',
    ]);
    sim.sendBack(sim.task('d'), 'previous');
    expect(sim.active()).toEqual(['c']);
    expect(sim.row('c').round).toBe(3);
  });

  it('previous from the first node goes to the applicant', () => {
    const sim = line();
    sim.sendBack(sim.task('a'), 'previous');
    expect(sim.instance.status).toBe('correction');
  });
});

describe('退回 to the applicant (补正)', () => {
  it('suspends the node, asks for a correction, and runs the node again afterwards', () => {
    const sim = line();
    through(sim, 'a', 'b');
    sim.sendBack(sim.task('c'), 'applicant', undefined, '请补充身份证复印件');
    expect(sim.instance.status).toBe('correction');
    expect(sim.instance.state.correction).toEqual({
      reason: '请补充身份证复印件',
      byNode: 'c',
      byStaff: 'hr-3',
    });
    expect(sim.row('c').status).toBe('suspended');
    expect(sim.open()).toEqual([]);
    expect(sim.progressLog().at(-1)).toBe('correction_requested→correction_requested');
    expect(sim.progress.at(-1)?.fromStatus).toBe('accepted');
    expect(sim.sent('case.returned')[0]?.payload).toMatchObject({ nodeId: 'c', status: 'correction' });
    expect(sim.actions().slice(-2)).toEqual(['returned', 'returned_to_applicant']);
    expect(appError(() => sim.urge())).toMatchObject({ status: 409 });

    expect(appError(() => sim.resume('citizen-2'))).toMatchObject({ status: 404 });
    sim.resume();
    expect(sim.instance.status).toBe('running');
    expect(sim.instance.state.correction).toBeUndefined();
    expect(sim.progressLog().at(-1)).toBe('corrected→accepted');
    expect(rounds(sim, 'c')).toEqual([
      [1, 'returned'],
      [2, 'active'],
    ]);
    expect(sim.holders()).toEqual(['hr-3']);
    expect(sim.pending('node-due').map((t) => t.node_instance_id)).toEqual([sim.row('c').id]);
    expect(appError(() => sim.resume())).toMatchObject({ status: 409, code: 'no_correction_requested' });
  });

  it('staff cannot act while the case is with the applicant', () => {
    const sim = new Sim([approver('a', ['hr-1', 'hr-2'])]).start();
    const other = sim.task('a', 'hr-2');
    sim.sendBack(sim.task('a', 'hr-1'), 'applicant');
    expect(other).toMatchObject({ status: 'cancelled', outcome: 'not_needed' });
    expect(appError(() => sim.approve(other))).toMatchObject({ status: 409, code: 'task_not_open' });
  });

  it('pauses the other parallel branches too; all of them run again after the correction', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '人社', nodes: [approver('x', ['hr-1'])] },
        { name: '市场监管', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
      approver('w', ['hr-head']),
    ]).start();
    sim.sendBack(sim.task('x'), 'applicant');
    expect(sim.row('y').status).toBe('suspended');
    expect(sim.tasks({ node: 'y' })[0]?.status).toBe('cancelled');
    expect(sim.row('p').status).toBe('active');
    sim.resume();
    expect(rounds(sim, 'x')).toEqual([
      [1, 'returned'],
      [2, 'active'],
    ]);
    expect(rounds(sim, 'y')).toEqual([
      [1, 'cancelled'],
      [2, 'active'],
    ]);
    through(sim, 'x', 'y');
    expect(sim.active()).toEqual(['w']);
  });

  it('a pre-review failing in one branch pauses the branches started with it as well', () => {
    const sim = new Sim(
      [
        parallel('p', [
          {
            name: '预审',
            nodes: [
              rulesCheck(
                'pre',
                [
                  {
                    when: { fact: 'form.age', operator: 'greaterThanInclusive', value: 18 },
                    message: '须年满18周岁',
                  },
                ],
                'return-to-applicant',
              ),
            ],
          },
          {
            name: '市场监管',
            nodes: [
              approver('y', ['amr-1'], {
                department: 'amr',
                timeLimit: { workingDays: 1, onTimeout: { action: 'remind' } },
              }),
            ],
          },
        ]),
      ],
      { form: { age: 17 } },
    ).start();
    expect(sim.instance.status).toBe('correction');
    // While the case is with the applicant nobody has an open task (they could not act on it anyway)…
    expect(sim.open()).toEqual([]);
    expect(sim.active().filter((n) => n !== 'p')).toEqual([]);
    // …and no deadline runs out unseen: y's limit starts when it runs again.
    sim.advance(2 * DAY).fireDue();
    sim.form = { age: 18 };
    sim.resume();
    expect(sim.row('pre').status).toBe('completed');
    expect(sim.holders()).toEqual(['amr-1']);
    expect(sim.pending('node-due').map((t) => t.node_instance_id)).toEqual([sim.row('y').id]);
    sim.approve(sim.task('y'));
    expect(sim.instance.status).toBe('approved');
  });
});

describe('退回 targets that are not allowed', () => {
  const invalid = (fn: () => unknown) => {
    const error = appError(fn);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(error.errors?.[0]).toMatchObject({ pointer: '/target', code: 'invalid_return_target' });
  };

  it('a later node, the node itself, an unknown node', () => {
    const sim = line();
    through(sim, 'a');
    const task = sim.task('b');
    for (const target of ['c', 'd', 'b', 'nowhere']) invalid(() => sim.sendBack(task, target));
    expect(task.status).toBe('open');
    expect(sim.active()).toEqual(['b']);
  });

  it('a node in a sibling parallel branch', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '甲', nodes: [approver('x', ['hr-1']), approver('x2', ['hr-2'])] },
        { name: '乙', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
    ]).start();
    through(sim, 'y', 'x');
    invalid(() => sim.sendBack(sim.task('x2'), 'y'));
  });

  it('a node that never ran (a condition branch not taken)', () => {
    const sim = new Sim(
      [
        condition('c', [
          {
            name: '个体户',
            when: { fact: 'form.kind', operator: 'equal', value: 'individual' },
            nodes: [approver('k1', ['hr-1'])],
          },
          { name: '其他', default: true, nodes: [approver('k2', ['hr-2'])] },
        ]),
        approver('w', ['hr-head']),
      ],
      { form: { kind: 'company' } },
    ).start();
    through(sim, 'k2');
    invalid(() => sim.sendBack(sim.task('w'), 'k1'));
    sim.sendBack(sim.task('w'), 'k2');
    expect(sim.active()).toEqual(['c', 'k2']);
  });

  it('a node of a condition branch this pass no longer takes (it ran before the form was corrected)', () => {
    const sim = new Sim(
      [
        approver('a', ['hr-chief']),
        condition('c', [
          {
            name: '个体户',
            when: { fact: 'form.kind', operator: 'equal', value: 'individual' },
            nodes: [approver('k1', ['hr-1'])],
          },
          { name: '其他', default: true, nodes: [approver('k2', ['hr-2'])] },
        ]),
        approver('w', ['hr-head']),
      ],
      { form: { kind: 'individual' } },
    ).start();
    through(sim, 'a', 'k1');
    sim.sendBack(sim.task('w'), 'applicant');
    sim.form = { kind: 'company' };
    sim.resume();
    sim.sendBack(sim.task('w'), 'a');
    through(sim, 'a', 'k2');
    expect(sim.row('c').state.branch).toBe(1);
    invalid(() => sim.sendBack(sim.task('w'), 'k1'));
  });
});

describe('退回 inside and into parallel branches', () => {
  const bundle = () =>
    new Sim([
      approver('a', ['hr-chief']),
      parallel('p', [
        { name: '人社', nodes: [approver('x', ['hr-1']), approver('x2', ['hr-2'])] },
        { name: '市场监管', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
      approver('w', ['hr-head']),
    ]).start();

  it('from a later node of the same branch: only that branch rewinds, the other keeps running', () => {
    const sim = bundle();
    through(sim, 'a', 'x');
    const y = sim.task('y');
    sim.sendBack(sim.task('x2'), 'x');
    expect(sim.active()).toEqual(['p', 'y', 'x']);
    expect(sim.rows('p')).toHaveLength(1);
    expect(y.status).toBe('open');
    expect(rounds(sim, 'x')).toEqual([
      [1, 'completed'],
      [2, 'active'],
    ]);
    through(sim, 'x', 'x2');
    expect(sim.row('p').status).toBe('active');
    expect(sim.row('p').state.done).toEqual([0]);
    sim.approve(y);
    expect(sim.row('p').status).toBe('completed');
    expect(sim.active()).toEqual(['w']);
  });

  it('from a branch to a node before the parallel node: every branch stops and runs again', () => {
    const sim = bundle();
    through(sim, 'a', 'x');
    const y = sim.task('y');
    sim.sendBack(sim.task('x2'), 'a');
    expect(y).toMatchObject({ status: 'cancelled', outcome: 'not_needed' });
    expect(sim.rows('p')[0]?.status).toBe('cancelled');
    expect(sim.active()).toEqual(['a']);
    through(sim, 'a');
    expect(sim.active()).toEqual(['p', 'x', 'y']);
  });

  it('from after the join into one branch: the parallel node re-opens with only that branch running', () => {
    const sim = bundle();
    through(sim, 'a', 'x', 'y', 'x2');
    expect(sim.active()).toEqual(['w']);
    expect(sim.returnTargets('w')).toEqual(['a', 'x', 'x2', 'y']);
    sim.sendBack(sim.task('w'), 'x2');
    expect(rounds(sim, 'p')).toEqual([
      [1, 'completed'],
      [2, 'active'],
    ]);
    expect(sim.row('p').state).toMatchObject({ branches: [0, 1], done: [1] });
    expect(sim.active()).toEqual(['p', 'x2']);
    expect(sim.rows('x')).toHaveLength(1);
    expect(sim.rows('y')).toHaveLength(1);
    through(sim, 'x2');
    expect(sim.row('p')).toMatchObject({ status: 'completed', round: 2 });
    expect(rounds(sim, 'w')).toEqual([
      [1, 'returned'],
      [2, 'active'],
    ]);
  });

  it('from after the join into the first node of the other branch', () => {
    const sim = bundle();
    through(sim, 'a', 'x', 'y', 'x2');
    sim.sendBack(sim.task('w'), 'y');
    expect(sim.row('p').state).toMatchObject({ branches: [0, 1], done: [0] });
    expect(sim.active()).toEqual(['p', 'y']);
    through(sim, 'y');
    expect(sim.active()).toEqual(['w']);
  });

  it('from after the join into a nested parallel node: both levels re-open with one branch each', () => {
    const sim = new Sim([
      parallel('p', [
        {
          name: '甲',
          nodes: [
            parallel('q', [
              { name: '甲1', nodes: [approver('q1', ['hr-1'])] },
              { name: '甲2', nodes: [approver('q2', ['hr-2'])] },
            ]),
          ],
        },
        { name: '乙', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
      approver('w', ['hr-head']),
    ]).start();
    through(sim, 'q1', 'q2', 'y');
    sim.sendBack(sim.task('w'), 'q1');
    expect(sim.active()).toEqual(['p', 'q', 'q1']);
    expect(sim.row('p').state).toMatchObject({ branches: [0, 1], done: [1] });
    expect(sim.row('q').state).toMatchObject({ branches: [0, 1], done: [1] });
    through(sim, 'q1');
    expect(sim.rows('p').map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(sim.active()).toEqual(['w']);
  });

  it('from after the join into a condition inside a branch: the branch taken before is kept', () => {
    const sim = new Sim(
      [
        parallel('p', [
          {
            name: '甲',
            nodes: [
              condition('c', [
                {
                  name: '个体户',
                  when: { fact: 'form.kind', operator: 'equal', value: 'individual' },
                  nodes: [approver('k1', ['hr-1'])],
                },
                { name: '其他', default: true, nodes: [approver('k2', ['hr-2'])] },
              ]),
              approver('x', ['hr-3']),
            ],
          },
          { name: '乙', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
        ]),
        approver('w', ['hr-head']),
      ],
      { form: { kind: 'individual' } },
    ).start();
    through(sim, 'k1', 'x', 'y');
    sim.sendBack(sim.task('w'), 'k1');
    expect(sim.active()).toEqual(['p', 'c', 'k1']);
    expect(sim.row('c').state).toEqual({ branch: 0 });
    through(sim, 'k1');
    expect(sim.active()).toEqual(['p', 'x']);
    through(sim, 'x');
    expect(sim.active()).toEqual(['w']);
  });

  it('previous from after the join goes to the branch node that finished last', () => {
    const sim = bundle();
    through(sim, 'a', 'x', 'x2', 'y');
    sim.sendBack(sim.task('w'), 'previous');
    expect(sim.active()).toEqual(['p', 'y']);
  });
});
