import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApproverNode, FlowDefinition, FlowNode } from './flow';
import { checkFlow, flowNodes, returnTargets } from './flow-checks';
import { checkFlowDocument } from './index';

const when = { fact: 'case.applicantKind', operator: 'equal', value: 'enterprise' };

const approver = (id: string, extra: Partial<ApproverNode> = {}): ApproverNode => ({
  id,
  name: `节点 ${id}`,
  type: 'approver',
  department: 'hrss',
  mode: 'any',
  assignees: [{ type: 'role', role: 'clerk' }],
  onReject: { action: 'end' },
  ...extra,
});

const flowOf = (nodes: FlowNode[], extra: Partial<FlowDefinition> = {}): FlowDefinition => ({
  id: 'test',
  version: 1,
  name: '测试流程',
  department: 'hrss',
  nodes,
  ...extra,
});

/**
 * accept → pre → parallel(split){ a: a1 → a2 | b: b1 } → cond(check){ enterprise: c1 | default: c2 } → after → end
 */
const sample = flowOf([
  approver('accept', { accepts: true, claim: true, onReject: { action: 'return', to: 'applicant' } }),
  approver('pre'),
  {
    id: 'split',
    name: '并行',
    type: 'parallel',
    branches: [
      { name: '甲', nodes: [approver('a1'), approver('a2')] },
      { name: '乙', when, nodes: [approver('b1')] },
    ],
  },
  {
    id: 'check',
    name: '条件',
    type: 'condition',
    branches: [
      { name: '企业', when, nodes: [approver('c1')] },
      { name: '其他', default: true, nodes: [approver('c2')] },
    ],
  },
  approver('after'),
  { id: 'end', name: '办结', type: 'end', outcome: 'approved' },
]);

const onlyProblem = (flow: FlowDefinition) => {
  const problems = checkFlow(flow);
  expect(problems).toHaveLength(1);
  return problems[0]!;
};

describe('flowNodes', () => {
  it('lists every node in pre-order with its path, parent and branch', () => {
    const entries = flowNodes(sample);
    expect(entries.map((e) => e.node.id)).toEqual([
      'accept',
      'pre',
      'split',
      'a1',
      'a2',
      'b1',
      'check',
      'c1',
      'c2',
      'after',
      'end',
    ]);
    const b1 = entries.find((e) => e.node.id === 'b1')!;
    expect(b1).toMatchObject({ path: '/nodes/2/branches/1/nodes/0', parent: 'split', branch: 1, index: 5 });
    expect(b1.ancestry).toEqual([{ node: 'split', type: 'parallel', branch: 1 }]);
    expect(entries[0]).toMatchObject({ path: '/nodes/0', parent: null, branch: null, ancestry: [] });
  });
});

describe('returnTargets', () => {
  it('lists the approvers before a node', () => {
    expect(returnTargets(sample, 'accept')).toEqual([]);
    expect(returnTargets(sample, 'pre')).toEqual(['accept']);
    expect(returnTargets(sample, 'a2')).toEqual(['accept', 'pre', 'a1']);
  });

  it('lets a node after the join return into the branches of the parallel and the condition', () => {
    expect(returnTargets(sample, 'after')).toEqual(['accept', 'pre', 'a1', 'a2', 'b1', 'c1', 'c2']);
    expect(returnTargets(sample, 'c1')).toEqual(['accept', 'pre', 'a1', 'a2', 'b1']);
  });

  it('refuses targets in a sibling branch of the same parallel or condition node', () => {
    expect(returnTargets(sample, 'b1')).toEqual(['accept', 'pre']);
    expect(returnTargets(sample, 'c2')).not.toContain('c1');
  });

  it('has nothing for an unknown node', () => {
    expect(returnTargets(sample, 'nope')).toEqual([]);
  });

  it('lists only approvers before the node and never one in a sibling branch (property)', () => {
    const arb = fc.letrec<{ seq: FlowNode[]; node: FlowNode }>((tie) => ({
      seq: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
      node: fc.oneof(
        { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
        fc.constant(null).map(() => approver('x')),
        fc
          .constant(null)
          .map((): FlowNode => ({ id: 'x', name: '抄送', type: 'cc', recipients: [{ type: 'department' }] })),
        fc.array(tie('seq'), { minLength: 2, maxLength: 3 }).map(
          (seqs): FlowNode => ({
            id: 'x',
            name: '并行',
            type: 'parallel',
            branches: seqs.map((nodes, i) => ({ name: `分支${i}`, nodes })),
          }),
        ),
        fc.array(tie('seq'), { minLength: 2, maxLength: 3 }).map(
          (seqs): FlowNode => ({
            id: 'x',
            name: '条件',
            type: 'condition',
            branches: seqs.map((nodes, i) =>
              i === seqs.length - 1
                ? { name: '默认', default: true, nodes }
                : { name: `分支${i}`, when, nodes },
            ),
          }),
        ),
      ),
    }));
    fc.assert(
      fc.property(arb.seq, (nodes) => {
        let n = 0;
        const renumber = (seq: FlowNode[]) => {
          for (const node of seq) {
            node.id = `n${n++}`;
            if (node.type === 'parallel' || node.type === 'condition')
              for (const b of node.branches) renumber(b.nodes);
          }
        };
        const copy = structuredClone(nodes);
        renumber(copy);
        const flow = flowOf(copy);
        const entries = flowNodes(flow);
        for (const of of entries) {
          const expected = entries.filter(
            (t) =>
              t.index < of.index &&
              t.node.type === 'approver' &&
              t.ancestry.every((a, i) => {
                const b = of.ancestry[i];
                return !b || b.node !== a.node || b.branch === a.branch;
              }),
          );
          expect(returnTargets(flow, of.node.id)).toEqual(expected.map((t) => t.node.id));
        }
        expect(checkFlow(flow)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('checkFlow', () => {
  it('accepts a sound flow', () => {
    expect(checkFlow(sample)).toEqual([]);
  });

  it('refuses duplicate node ids anywhere in the tree', () => {
    const flow = structuredClone(sample);
    (flow.nodes[3] as { branches: { nodes: FlowNode[] }[] }).branches[1]!.nodes[0]!.id = 'a1';
    expect(onlyProblem(flow)).toBe(
      'flows/test@1/nodes/3/branches/1/nodes/0/id: 节点 ID a1 重复（已用于 /nodes/2/branches/0/nodes/0）',
    );
  });

  it('refuses the reserved ids previous and applicant', () => {
    expect(onlyProblem(flowOf([approver('previous')]))).toContain('保留字 previous');
  });

  it('wants exactly one default branch, without when, as the last branch', () => {
    const cond = (branches: unknown[]) =>
      flowOf([approver('a'), { id: 'c', name: '条件', type: 'condition', branches } as FlowNode]);
    const none = checkFlow(
      cond([
        { name: '一', when, nodes: [] },
        { name: '二', when, nodes: [] },
      ]),
    );
    expect(none).toEqual([
      'flows/test@1/nodes/1/branches: 条件节点必须有且只有一个默认分支（default），现有 0 个',
    ]);
    const two = checkFlow(
      cond([
        { name: '一', default: true, nodes: [] },
        { name: '二', default: true, nodes: [] },
      ]),
    );
    expect(two.join('\n')).toContain('现有 2 个');
    expect(two.join('\n')).toContain('/nodes/1/branches/0/default: 默认分支必须是最后一个分支');
    expect(
      onlyProblem(
        cond([
          { name: '一', default: true, nodes: [] },
          { name: '二', when, nodes: [] },
        ]),
      ),
    ).toBe('flows/test@1/nodes/1/branches/0/default: 默认分支必须是最后一个分支');
    expect(
      onlyProblem(
        cond([
          { name: '一', when, nodes: [] },
          { name: '二', default: true, when, nodes: [] },
        ]),
      ),
    ).toBe('flows/test@1/nodes/1/branches/1/when: 默认分支不能设置条件（when）');
    expect(
      onlyProblem(
        cond([
          { name: '一', nodes: [] },
          { name: '二', default: true, nodes: [] },
        ]),
      ),
    ).toBe('flows/test@1/nodes/1/branches/0/when: 非默认分支必须设置条件（when）');
  });

  it('wants at least two branches in a parallel node', () => {
    const flow = flowOf([
      { id: 'p', name: '并行', type: 'parallel', branches: [{ name: '一', nodes: [approver('a')] }] },
    ]);
    expect(onlyProblem(flow)).toBe('flows/test@1/nodes/0/branches: 并行节点至少需要两个分支');
  });

  it('wants an end node last in its sequence', () => {
    const flow = flowOf([{ id: 'end', name: '办结', type: 'end', outcome: 'approved' }, approver('a')]);
    expect(onlyProblem(flow)).toBe('flows/test@1/nodes/0: 结束节点必须是所在序列的最后一个节点');
    const inBranch = structuredClone(sample);
    (inBranch.nodes[2] as { branches: { nodes: FlowNode[] }[] }).branches[0]!.nodes.unshift({
      id: 'stop',
      name: '终止',
      type: 'end',
      outcome: 'rejected',
    });
    expect(onlyProblem(inBranch)).toBe(
      'flows/test@1/nodes/2/branches/0/nodes/0: 结束节点必须是所在序列的最后一个节点',
    );
  });

  it('allows claim only with mode any', () => {
    expect(onlyProblem(flowOf([approver('a', { claim: true, mode: 'all' })]))).toBe(
      'flows/test@1/nodes/0/claim: 签收（claim）只能用于或签（mode 为 any）的节点',
    );
  });

  it('allows one accepting node, outside parallel branches', () => {
    expect(onlyProblem(flowOf([approver('a', { accepts: true }), approver('b', { accepts: true })]))).toBe(
      'flows/test@1/nodes/1/accepts: 只能有一个受理节点（accepts），已有 /nodes/0',
    );
    const inParallel = structuredClone(sample);
    inParallel.nodes[0] = approver('accept');
    (inParallel.nodes[2] as { branches: { nodes: ApproverNode[] }[] }).branches[1]!.nodes[0]!.accepts = true;
    expect(onlyProblem(inParallel)).toBe(
      'flows/test@1/nodes/2/branches/1/nodes/0/accepts: 受理节点不能位于并行分支内',
    );
  });

  it('allows waitForResult only with a connector action', () => {
    const flow = flowOf([
      {
        id: 'rules',
        name: '预审',
        type: 'automatic',
        waitForResult: true,
        action: { type: 'rules', conditions: [{ when, message: '仅限企业' }], otherwise: 'reject' },
      },
    ]);
    expect(onlyProblem(flow)).toBe(
      'flows/test@1/nodes/0/waitForResult: 等待结果（waitForResult）只能用于连接器（connector）动作',
    );
  });

  describe('onReject return targets', () => {
    const returning = (from: string, to: string) => {
      const flow = structuredClone(sample);
      const entry = flowNodes(flow).find((e) => e.node.id === from)!;
      (entry.node as ApproverNode).onReject = { action: 'return', to };
      return { flow, at: `flows/test@1${entry.path}/onReject/to` };
    };

    it('accepts earlier approvers, previous and applicant', () => {
      for (const to of ['accept', 'previous', 'applicant'])
        expect(checkFlow(returning('a2', to).flow)).toEqual([]);
      expect(checkFlow(returning('after', 'b1').flow)).toEqual([]);
      expect(checkFlow(returning('c2', 'a1').flow)).toEqual([]);
    });

    it('refuses a later node, itself, a sibling branch, a non-approver and an unknown node', () => {
      const cases: [string, string, string][] = [
        ['pre', 'after', '退回目标 after 在本节点之后，只能退回到之前的节点'],
        ['pre', 'pre', '不能退回到本节点'],
        ['b1', 'a1', '退回目标 a1 与本节点位于同一条件或并行节点的不同分支，不能退回'],
        ['c2', 'c1', '退回目标 c1 与本节点位于同一条件或并行节点的不同分支，不能退回'],
        ['after', 'split', '退回目标 split 不是审批节点'],
        ['after', 'ghost', '退回目标 ghost 不存在'],
      ];
      for (const [from, to, reason] of cases) {
        const { flow, at } = returning(from, to);
        expect(checkFlow(flow)).toEqual([`${at}: ${reason}`]);
      }
    });
  });

  it('wants nodeMap values to name nodes of this version', () => {
    expect(onlyProblem({ ...sample, nodeMap: { old: 'after', gone: 'nowhere' } })).toBe(
      'flows/test@1/nodeMap/gone: 节点 nowhere 不在本版本中',
    );
  });

  it('checks time limits: reminder before an hours deadline, auto-approve only on approvers, none on cc/end', () => {
    const limited = flowOf([
      approver('a', { timeLimit: { hours: 2, remindBeforeHours: 2, onTimeout: { action: 'remind' } } }),
      {
        id: 'cc',
        name: '抄送',
        type: 'cc',
        recipients: [{ type: 'departmentHead' }],
        timeLimit: { workingDays: 1, onTimeout: { action: 'remind' } },
      },
    ]);
    limited.timeLimit = { workingDays: 3, onTimeout: { action: 'auto-approve' } };
    expect(checkFlow(limited)).toEqual([
      'flows/test@1/nodes/0/timeLimit/remindBeforeHours: 到期前提醒的时间（2 小时）须短于时限（2 小时）',
      'flows/test@1/nodes/1/timeLimit: 抄送节点不需要时限',
      'flows/test@1/timeLimit/onTimeout: 超时自动通过（auto-approve）只能用于审批节点',
    ]);
  });
});

describe('flow.schema.json (checkFlowDocument)', () => {
  it('accepts the sample and runs checkFlow after the schema', () => {
    expect(checkFlowDocument(sample)).toEqual([]);
    expect(checkFlowDocument(flowOf([approver('a', { claim: true, mode: 'all' })]))).toHaveLength(1);
  });

  it('refuses unknown fields, bad ids and both or neither of workingDays and hours', () => {
    const bad = (patch: (f: Record<string, any>) => void) => {
      const flow = structuredClone(sample) as Record<string, any>;
      patch(flow);
      return checkFlowDocument(flow);
    };
    expect(bad((f) => (f.extra = 1)).join('\n')).toContain('must NOT have additional properties');
    expect(bad((f) => (f.nodes[0].id = 'Accept')).join('\n')).toContain('/nodes/0/id');
    expect(bad((f) => (f.nodes[0].color = 'red')).join('\n')).toContain('/nodes/0');
    expect(bad((f) => (f.timeLimit = { onTimeout: { action: 'remind' } })).join('\n')).toContain(
      '/timeLimit',
    );
    expect(
      bad((f) => (f.timeLimit = { workingDays: 2, hours: 4, onTimeout: { action: 'remind' } })).join('\n'),
    ).toContain('/timeLimit');
    expect(bad((f) => (f.timeLimit = { workingDays: 0, onTimeout: { action: 'remind' } }))).not.toEqual([]);
    expect(bad((f) => (f.timeLimit = { hours: 0.25, onTimeout: { action: 'remind' } }))).not.toEqual([]);
    expect(bad((f) => (f.timeLimit = { workingDays: 1.5, onTimeout: { action: 'remind' } }))).not.toEqual([]);
    expect(
      bad((f) => (f.timeLimit = { hours: 8, onTimeout: { action: 'remind', maxTimes: 11 } })),
    ).not.toEqual([]);
    expect(bad((f) => (f.timeLimit = { hours: 8, onTimeout: { action: 'escalate' } }))).not.toEqual([]);
    expect(
      bad(
        (f) =>
          (f.timeLimit = { hours: 8, onTimeout: { action: 'auto-approve', to: { type: 'department' } } }),
      ),
    ).not.toEqual([]);
    expect(bad((f) => (f.timeLimit = { hours: 8, onTimeout: { action: 'remind', maxTimes: 10 } }))).toEqual(
      [],
    );
  });

  it('refuses a malformed condition, assignee rule or automatic action', () => {
    const bad = (patch: (f: Record<string, any>) => void) => {
      const flow = structuredClone(sample) as Record<string, any>;
      patch(flow);
      return checkFlowDocument(flow);
    };
    expect(bad((f) => (f.nodes[3].branches[0].when = { fact: 'form.x', operator: 'like' }))).not.toEqual([]);
    expect(bad((f) => (f.nodes[0].assignees = [{ type: 'user', users: [] }]))).not.toEqual([]);
    expect(bad((f) => (f.nodes[0].assignees = [{ type: 'role' }]))).not.toEqual([]);
    expect(bad((f) => (f.nodes[0].assignees = [{ type: 'role', role: 'clerk', level: 2 }]))).not.toEqual([]);
    expect(
      bad(
        (f) =>
          (f.nodes[0].assignees = [
            { type: 'rule', cases: [{ when, assignees: { type: 'departmentHead', level: 2 } }] },
          ]),
      ),
    ).toEqual([]);
    expect(bad((f) => (f.nodes[0].onReject = { action: 'return' }))).not.toEqual([]);
    expect(bad((f) => (f.nodes[0].onReject = { action: 'end', to: 'x' }))).not.toEqual([]);
    expect(
      bad(
        (f) => (f.nodes[1] = { id: 'auto', name: '自动', type: 'automatic', action: { type: 'connector' } }),
      ),
    ).not.toEqual([]);
    expect(bad((f) => (f.nodes[2].branches[0].nodes = []))).not.toEqual([]);
    expect(bad((f) => (f.nodes[2].branches[0].default = true))).not.toEqual([]);
  });
});
