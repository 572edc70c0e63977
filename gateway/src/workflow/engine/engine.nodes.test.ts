import { describe, expect, it } from 'vitest';
import { appError, approver, cc, condition, connector, DAY, end, parallel, rulesCheck, Sim } from './testing';

const amount = (operator: string, value: number) => ({ fact: 'form.amount', operator, value });

describe('condition node', () => {
  const flow = () => [
    condition('c', [
      { name: '大额', when: amount('greaterThan', 10_000), nodes: [approver('big', ['hr-head'])] },
      { name: '中额', when: amount('greaterThan', 1_000), nodes: [approver('mid', ['hr-chief'])] },
      { name: '小额', default: true, nodes: [approver('small', ['hr-1'])] },
    ]),
    approver('after', ['hr-2']),
  ];

  it('takes the first branch that holds, reading form data', () => {
    const mid = new Sim(flow(), { form: { amount: 5_000 } }).start();
    expect(mid.active()).toEqual(['c', 'mid']);
    expect(mid.row('c').state).toEqual({ branch: 1 });
    expect(mid.history.at(-1)).toMatchObject({
      action: 'branch_taken',
      node_id: 'c',
      details: { branch: '中额' },
    });

    const big = new Sim(flow(), { form: { amount: 50_000 } }).start();
    expect(big.active()).toEqual(['c', 'big']);
  });

  it('takes the default branch when none holds (also when the fact is missing)', () => {
    expect(new Sim(flow(), { form: { amount: 10 } }).start().active()).toEqual(['c', 'small']);
    expect(new Sim(flow()).start().active()).toEqual(['c', 'small']);
  });

  it('completes when its branch completes and moves on', () => {
    const sim = new Sim(flow(), { form: { amount: 5_000 } }).start();
    sim.approve(sim.task('mid'));
    expect(sim.row('c')).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(sim.active()).toEqual(['after']);
    expect(sim.rows('big')).toEqual([]);
    expect(sim.rows('small')).toEqual([]);
  });

  it('an empty branch completes the condition at once', () => {
    const sim = new Sim(
      [
        condition('c', [
          { name: '免审', when: { fact: 'case.channel', operator: 'equal', value: 'wechat' }, nodes: [] },
          { name: '人工', default: true, nodes: [approver('manual', ['hr-1'])] },
        ]),
        approver('after', ['hr-2']),
      ],
      { form: {} },
    ).start();
    expect(sim.row('c').status).toBe('completed');
    expect(sim.active()).toEqual(['after']);
  });

  it('conditions nest: a condition inside a branch', () => {
    const sim = new Sim(
      [
        condition('outer', [
          {
            name: '企业',
            when: { fact: 'form.kind', operator: 'in', value: ['company', 'individual'] },
            nodes: [
              condition('inner', [
                {
                  name: '个体户',
                  when: { fact: 'form.kind', operator: 'equal', value: 'individual' },
                  nodes: [approver('ind', ['amr-1'], { department: 'amr' })],
                },
                { name: '公司', default: true, nodes: [approver('co', ['amr-2'], { department: 'amr' })] },
              ]),
            ],
          },
          { name: '个人', default: true, nodes: [approver('person', ['hr-1'])] },
        ]),
      ],
      { form: { kind: 'individual' } },
    ).start();
    expect(sim.active()).toEqual(['outer', 'inner', 'ind']);
    sim.approve(sim.task('ind'));
    expect(sim.instance.status).toBe('approved');
    expect(sim.rows('outer')[0]?.status).toBe('completed');
  });
});

describe('parallel node', () => {
  const tax = { fact: 'form.needTax', operator: 'equal', value: true };

  it('runs all branches at once and joins when every one has finished', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '人社', nodes: [approver('x', ['hr-1'])] },
        { name: '市场监管', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
      approver('w', ['hr-head']),
    ]).start();
    expect(sim.active()).toEqual(['p', 'x', 'y']);
    expect(sim.row('p').state).toEqual({ branches: [0, 1], started: [0, 1], done: [] });
    sim.approve(sim.task('y'));
    expect(sim.row('p').state.done).toEqual([1]);
    expect(sim.row('p').status).toBe('active');
    sim.approve(sim.task('x'));
    expect(sim.row('p')).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(sim.active()).toEqual(['w']);
  });

  it('skips branches whose when does not hold', () => {
    const sim = new Sim(
      [
        parallel('p', [
          { name: '人社', nodes: [approver('x', ['hr-1'])] },
          { name: '税务', when: tax, nodes: [approver('t', ['tax-1'], { department: 'tax' })] },
        ]),
        approver('w', ['hr-head']),
      ],
      { form: { needTax: false } },
    ).start();
    expect(sim.row('p').state.branches).toEqual([0]);
    expect(sim.rows('t')).toEqual([]);
    sim.approve(sim.task('x'));
    expect(sim.active()).toEqual(['w']);
  });

  it('with no branch that applies, completes immediately', () => {
    const sim = new Sim(
      [
        parallel('p', [
          { name: '税务', when: tax, nodes: [approver('t', ['tax-1'], { department: 'tax' })] },
          { name: '税务2', when: tax, nodes: [approver('t2', ['tax-2'], { department: 'tax' })] },
        ]),
        approver('w', ['hr-head']),
      ],
      { form: { needTax: false } },
    ).start();
    expect(sim.row('p')).toMatchObject({ status: 'completed', state: { branches: [], done: [] } });
    expect(sim.active()).toEqual(['w']);
  });

  it('with only empty branches, completes immediately; at the end of the flow the case is approved', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '甲', nodes: [] },
        { name: '乙', nodes: [] },
      ]),
    ]).start();
    expect(sim.row('p').status).toBe('completed');
    expect(sim.instance.status).toBe('approved');
  });

  it('a branch that finishes at once (cc only) does not complete the join before the others start', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '告知', nodes: [cc('notify', ['tax-1'])] },
        { name: '市场监管', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
      approver('w', ['hr-head']),
    ]).start();
    expect(sim.ccs('notify')).toHaveLength(1);
    expect(sim.row('p')).toMatchObject({ status: 'active', state: { branches: [0, 1], done: [0] } });
    expect(sim.active()).toEqual(['p', 'y']);
    expect(sim.rows('w')).toEqual([]);
    sim.approve(sim.task('y'));
    expect(sim.active()).toEqual(['w']);
  });

  it('nested parallel nodes join inside out', () => {
    const sim = new Sim([
      parallel('p', [
        {
          name: '甲',
          nodes: [
            parallel('q', [
              { name: '甲1', nodes: [cc('n1', ['tax-1'])] },
              { name: '甲2', nodes: [approver('x', ['hr-1'])] },
            ]),
            approver('x2', ['hr-2']),
          ],
        },
        { name: '乙', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
    ]).start();
    expect(sim.active()).toEqual(['p', 'q', 'x', 'y']);
    sim.approve(sim.task('x'));
    expect(sim.active()).toEqual(['p', 'y', 'x2']);
    sim.approve(sim.task('y'));
    sim.approve(sim.task('x2'));
    expect(sim.instance.status).toBe('approved');
  });

  it('a rejection in one branch ends the whole case', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '人社', nodes: [approver('x', ['hr-1'])] },
        { name: '市场监管', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
    ]).start();
    sim.reject(sim.task('x'));
    expect(sim.instance.status).toBe('rejected');
    expect(sim.row('p').status).toBe('cancelled');
    expect(sim.row('y').status).toBe('cancelled');
    expect(sim.tasks({ node: 'y' })[0]?.status).toBe('cancelled');
  });
});

describe('automatic node', () => {
  const adult = [
    {
      when: { fact: 'form.age', operator: 'greaterThanInclusive', value: 18 },
      message: '申请人须年满18周岁',
    },
    { when: { fact: 'form.resident', operator: 'equal', value: true }, message: '须为本市户籍' },
  ];

  it('rules that pass: the node is approved and the flow continues', () => {
    const sim = new Sim([rulesCheck('pre', adult, 'reject'), approver('a', ['hr-1'])], {
      form: { age: 30, resident: true },
    }).start();
    expect(sim.row('pre')).toMatchObject({ status: 'completed', outcome: 'approved' });
    expect(sim.history.find((h) => h.action === 'rules_checked')?.details).toEqual({
      passed: true,
      failed: [],
    });
    expect(sim.active()).toEqual(['a']);
  });

  it('rules that fail with otherwise reject: the case is rejected with the failed messages', () => {
    const sim = new Sim([rulesCheck('pre', adult, 'reject'), approver('a', ['hr-1'])], {
      form: { age: 16, resident: false },
    }).start();
    expect(sim.row('pre')).toMatchObject({ status: 'rejected', outcome: 'rejected' });
    expect(sim.instance.status).toBe('rejected');
    expect(sim.progressLog()).toEqual(['rejected→rejected']);
    expect(sim.progress[0]?.note).toBe('未通过：申请人须年满18周岁；须为本市户籍');
    expect(sim.rows('a')).toEqual([]);
  });

  it('rules that fail with return-to-applicant: a correction; after it the rules run again', () => {
    const sim = new Sim([rulesCheck('pre', adult, 'return-to-applicant'), approver('a', ['hr-1'])], {
      form: { age: 30, resident: false },
    }).start();
    expect(sim.instance.status).toBe('correction');
    expect(sim.instance.state.correction).toMatchObject({ reason: '须为本市户籍', byNode: 'pre' });
    expect(sim.progressLog()).toEqual(['correction_requested→correction_requested']);
    sim.form = { age: 30, resident: true };
    sim.resume();
    expect(sim.rows('pre').map((r) => r.status)).toEqual(['returned', 'completed']);
    expect(sim.progressLog().at(-1)).toBe('corrected→submitted');
    expect(sim.active()).toEqual(['a']);
  });

  it('a second failed pre-review after a correction asks again, with a message of its own', () => {
    const sim = new Sim([rulesCheck('pre', adult, 'return-to-applicant'), approver('a', ['hr-1'])], {
      form: { age: 16, resident: true },
    }).start();
    sim.form = { age: 17, resident: true };
    sim.resume();
    expect(sim.instance.status).toBe('correction');
    expect(sim.rows('pre').map((r) => r.status)).toEqual(['returned', 'suspended']);
    const returned = sim.sent('case.returned');
    expect(returned).toHaveLength(2);
    // The outbox's dedupe_key is unique: two correction requests must not share one.
    expect(new Set(sim.messages.map((m) => m.dedupeKey)).size).toBe(sim.messages.length);
  });

  it('a connector without waiting: a workflow.automatic message, and the flow continues', () => {
    const sim = new Sim([connector('push'), approver('a', ['hr-1'])]).start();
    const message = sim.sent('workflow.automatic')[0];
    expect(message?.payload).toMatchObject({
      nodeInstanceId: sim.row('push').id,
      nodeId: 'push',
      connector: 'oa',
      operation: 'push',
      params: { form: 'x' },
      department: 'amr',
      waitForResult: false,
    });
    expect(sim.row('push')).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(sim.active()).toEqual(['a']);
    expect(appError(() => sim.automaticResult(sim.row('push'), 'approved'))).toMatchObject({
      status: 409,
      code: 'node_not_waiting',
    });
  });

  it('a connector waiting for the result: approved continues', () => {
    const sim = new Sim([connector('push', { waitForResult: true }), approver('a', ['hr-1'])]).start();
    expect(sim.sent('workflow.automatic')[0]?.payload.waitForResult).toBe(true);
    expect(sim.active()).toEqual(['push']);
    sim.automaticResult(sim.row('push'), 'approved', 'OA 已办结');
    expect(sim.row('push')).toMatchObject({ status: 'completed', state: { result: 'approved' } });
    expect(sim.history.find((h) => h.action === 'external_result')).toMatchObject({
      node_id: 'push',
      comment: 'OA 已办结',
      details: { outcome: 'approved' },
    });
    expect(sim.active()).toEqual(['a']);
    expect(appError(() => sim.automaticResult(sim.row('push'), 'approved'))).toMatchObject({ status: 409 });
  });

  it('a connector waiting for the result: rejected ends the case', () => {
    const sim = new Sim([connector('push', { waitForResult: true }), approver('a', ['hr-1'])]).start();
    sim.automaticResult(sim.row('push'), 'rejected', '部门系统不予通过');
    expect(sim.row('push').status).toBe('rejected');
    expect(sim.instance.status).toBe('rejected');
    expect(sim.progress.at(-1)?.note).toBe('未通过：部门系统不予通过');
  });

  it('automaticResult on a node that is not an automatic one, or unknown, is 409', () => {
    const sim = new Sim([approver('a', ['hr-1'])]).start();
    expect(appError(() => sim.automaticResult(sim.row('a'), 'approved'))).toMatchObject({ status: 409 });
    expect(appError(() => sim.automaticResult('nope', 'approved'))).toMatchObject({ status: 409 });
  });

  it('a waiting connector past its time limit reminds its department', () => {
    const sim = new Sim([
      connector('push', {
        waitForResult: true,
        timeLimit: { workingDays: 1, onTimeout: { action: 'remind' } },
      }),
    ]).start();
    expect(sim.row('push').due_at).toBe(sim.now + DAY);
    sim.advance(DAY).fireDue();
    expect(sim.sent('workflow.automatic_overdue')[0]?.payload.nodeInstanceId).toBe(sim.row('push').id);
    expect(sim.row('push').status).toBe('active');
  });
});

describe('end node and the end of the flow', () => {
  const flow = (accepts: boolean) => [
    approver('a', ['hr-1'], { accepts }),
    condition('c', [
      {
        name: '不符合',
        when: { fact: 'form.eligible', operator: 'equal', value: false },
        nodes: [cc('tell', ['hr-head']), end('deny', 'rejected')],
      },
      { name: '符合', default: true, nodes: [] },
    ]),
    approver('b', ['hr-2']),
  ];

  it('an end node with outcome rejected ends the case rejected (before 受理)', () => {
    const sim = new Sim(flow(false), { form: { eligible: false } }).start();
    sim.approve(sim.task('a'));
    expect(sim.row('deny')).toMatchObject({ status: 'completed', outcome: 'rejected' });
    expect(sim.row('c').status).toBe('cancelled');
    expect(sim.instance.status).toBe('rejected');
    expect(sim.progressLog()).toEqual(['step_completed', 'rejected→rejected']);
    expect(sim.rows('b')).toEqual([]);
  });

  it('… and denies it after 受理', () => {
    const sim = new Sim(flow(true), { form: { eligible: false } }).start();
    sim.approve(sim.task('a'));
    expect(sim.progressLog()).toEqual(['accepted→accepted', 'denied→denied']);
  });

  it('an end node with outcome approved inside a parallel branch ends the case approved', () => {
    const sim = new Sim([
      parallel('p', [
        { name: '甲', nodes: [approver('x', ['hr-1']), end('done', 'approved')] },
        { name: '乙', nodes: [approver('y', ['amr-1'], { department: 'amr' })] },
      ]),
    ]).start();
    sim.approve(sim.task('x'));
    expect(sim.instance.status).toBe('approved');
    expect(sim.tasks({ node: 'y' })[0]?.status).toBe('cancelled');
  });

  it('reaching the end of the top-level sequence approves the case', () => {
    const sim = new Sim(flow(true), { form: { eligible: true } }).start();
    sim.approve(sim.task('a'));
    sim.approve(sim.task('b'));
    expect(sim.instance).toMatchObject({ status: 'approved', ended_at: sim.now });
    expect(sim.progressLog()).toEqual(['accepted→accepted', 'step_completed', 'completed→completed']);
    expect(sim.progress.at(-1)?.fromStatus).toBe('accepted');
    expect(sim.topics().at(-1)).toBe('case.completed');
    expect(sim.actions().at(-1)).toBe('case_approved');
    expect(sim.last.cancelAllTimers).toBe(true);
    expect(appError(() => sim.urge())).toMatchObject({ status: 409 });
  });
});
