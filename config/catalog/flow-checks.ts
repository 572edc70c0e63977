/**
 * Checks of a flow definition that a JSON Schema cannot express (ids unique across the tree, one
 * default branch, where a rejection may return to, …), and the tree walks the workflow engine
 * shares with them: {@link flowNodes} and {@link returnTargets}.
 */
import { type FlowDefinition, type FlowNode, flowKey, type TimeLimit } from './flow';

/** One node of a flow as {@link flowNodes} lists it. */
export interface FlowNodeEntry {
  node: FlowNode;
  /** Position in pre-order (document order), from 0. */
  index: number;
  /** JSON Pointer of the node in the flow document, e.g. `/nodes/2/branches/0/nodes/1`. */
  path: string;
  /** Id of the condition or parallel node whose branch holds this node; null at the top level. */
  parent: string | null;
  /** Index of that branch in `parent.branches`; null at the top level. */
  branch: number | null;
  /** Every enclosing container from the outermost in, with the branch that holds this node. */
  ancestry: { node: string; type: 'condition' | 'parallel'; branch: number }[];
}

/** Targets of a return that never name a node. */
const RESERVED_TARGETS = new Set(['previous', 'applicant']);

/** Every node of the flow in pre-order: a container comes before the nodes of its branches. */
export function flowNodes(flow: FlowDefinition): FlowNodeEntry[] {
  const out: FlowNodeEntry[] = [];
  const walk = (nodes: FlowNode[], prefix: string, ancestry: FlowNodeEntry['ancestry']) => {
    for (const [i, node] of nodes.entries()) {
      const path = `${prefix}/${i}`;
      const last = ancestry.at(-1);
      out.push({
        node,
        index: out.length,
        path,
        parent: last?.node ?? null,
        branch: last?.branch ?? null,
        ancestry,
      });
      if (node.type === 'condition' || node.type === 'parallel') {
        for (const [b, branch] of node.branches.entries()) {
          walk(branch.nodes, `${path}/branches/${b}/nodes`, [
            ...ancestry,
            { node: node.id, type: node.type, branch: b },
          ]);
        }
      }
    }
  };
  walk(flow.nodes, '/nodes', []);
  return out;
}

/**
 * Whether two nodes sit in different branches of the same condition or parallel node. Such nodes
 * never run one after the other, so neither may return to the other.
 */
function inSiblingBranches(a: FlowNodeEntry, b: FlowNodeEntry): boolean {
  const depth = Math.min(a.ancestry.length, b.ancestry.length);
  for (let i = 0; i < depth; i++) {
    const x = a.ancestry[i]!;
    const y = b.ancestry[i]!;
    if (x.node !== y.node) return false;
    if (x.branch !== y.branch) return true;
  }
  return false;
}

function targetsOf(entries: FlowNodeEntry[], of: FlowNodeEntry): FlowNodeEntry[] {
  return entries.filter((t) => t.index < of.index && t.node.type === 'approver' && !inSiblingBranches(t, of));
}

/**
 * The approver nodes the node `nodeId` may return a case to (退回): those before it in document
 * order, except nodes in another branch of a condition or parallel node that also holds it. A node
 * after a parallel join may return into a branch of that parallel node. `previous` and `applicant`
 * are always possible and not listed. Unknown ids have no targets.
 *
 * The rule is static: a target inside a branch that this case did not take (a condition's other
 * branch, a parallel branch whose `when` did not hold) is listed, and the engine must refuse it
 * for that case.
 */
export function returnTargets(flow: FlowDefinition, nodeId: string): string[] {
  const entries = flowNodes(flow);
  const of = entries.find((e) => e.node.id === nodeId);
  return of ? targetsOf(entries, of).map((t) => t.node.id) : [];
}

/**
 * Cross-node problems of a flow that already passed flow.schema.json, each as
 * `flows/<id>@<version>/<JSON Pointer>: <zh-CN reason>`; empty when the flow is sound.
 *
 * Node ids are unique in the whole tree and not `previous`/`applicant`; a condition node has ≥ 2
 * branches, exactly one `default` (without `when`, last) and `when` on the others; a parallel node
 * has ≥ 2 branches; an end node is last in its sequence; `claim` only with mode `any`; at most one
 * `accepts` node, outside parallel branches; `waitForResult` only on a connector action;
 * `onReject.to` is one of {@link returnTargets} (or previous/applicant); a reminder comes before an
 * hours deadline; `auto-approve` on timeout only on approver nodes; no time limit on cc or end
 * nodes; `nodeMap` values name nodes of this version.
 */
export function checkFlow(flow: FlowDefinition): string[] {
  const problems: string[] = [];
  const where = `flows/${flowKey(flow)}`;
  const say = (path: string, reason: string) => problems.push(`${where}${path}: ${reason}`);
  const entries = flowNodes(flow);

  const seen = new Map<string, string>();
  for (const { node, path } of entries) {
    const first = seen.get(node.id);
    if (first !== undefined) say(`${path}/id`, `节点 ID ${node.id} 重复（已用于 ${first}）`);
    else seen.set(node.id, path);
    if (RESERVED_TARGETS.has(node.id)) say(`${path}/id`, `节点 ID 不能使用保留字 ${node.id}`);
  }

  const sequences: { nodes: FlowNode[]; path: string }[] = [{ nodes: flow.nodes, path: '/nodes' }];
  for (const { node, path } of entries) {
    if (node.type === 'condition' || node.type === 'parallel') {
      for (const [b, branch] of node.branches.entries()) {
        sequences.push({ nodes: branch.nodes, path: `${path}/branches/${b}/nodes` });
      }
    }
  }
  for (const { nodes, path } of sequences) {
    for (const [i, node] of nodes.entries()) {
      if (node.type === 'end' && i !== nodes.length - 1) {
        say(`${path}/${i}`, '结束节点必须是所在序列的最后一个节点');
      }
    }
  }

  let acceptsAt: string | undefined;
  for (const entry of entries) {
    const { node, path } = entry;
    switch (node.type) {
      case 'condition': {
        if (node.branches.length < 2) say(`${path}/branches`, '条件节点至少需要两个分支');
        const defaults = node.branches.flatMap((b, i) => (b.default === true ? [i] : []));
        if (defaults.length !== 1) {
          say(`${path}/branches`, `条件节点必须有且只有一个默认分支（default），现有 ${defaults.length} 个`);
        }
        for (const [i, branch] of node.branches.entries()) {
          const at = `${path}/branches/${i}`;
          if (branch.default === true) {
            if (branch.when !== undefined) say(`${at}/when`, '默认分支不能设置条件（when）');
            if (i !== node.branches.length - 1) say(`${at}/default`, '默认分支必须是最后一个分支');
          } else if (branch.when === undefined) {
            say(`${at}/when`, '非默认分支必须设置条件（when）');
          }
        }
        break;
      }
      case 'parallel':
        if (node.branches.length < 2) say(`${path}/branches`, '并行节点至少需要两个分支');
        break;
      case 'approver': {
        if (node.claim === true && node.mode !== 'any') {
          say(`${path}/claim`, '签收（claim）只能用于或签（mode 为 any）的节点');
        }
        if (node.accepts === true) {
          if (acceptsAt !== undefined)
            say(`${path}/accepts`, `只能有一个受理节点（accepts），已有 ${acceptsAt}`);
          else acceptsAt = path;
          if (entry.ancestry.some((a) => a.type === 'parallel')) {
            say(`${path}/accepts`, '受理节点不能位于并行分支内');
          }
        }
        if (node.onReject.action === 'return') {
          problems.push(...returnProblems(entries, entry, node.onReject.to, `${where}${path}/onReject/to`));
        }
        break;
      }
      case 'automatic':
        if (node.waitForResult === true && node.action.type !== 'connector') {
          say(`${path}/waitForResult`, '等待结果（waitForResult）只能用于连接器（connector）动作');
        }
        break;
      case 'cc':
      case 'end':
        if (node.timeLimit) say(`${path}/timeLimit`, `${node.type === 'cc' ? '抄送' : '结束'}节点不需要时限`);
        break;
    }
    if (node.timeLimit) {
      problems.push(
        ...timeLimitProblems(node.timeLimit, node.type === 'approver', `${where}${path}/timeLimit`),
      );
    }
  }
  if (flow.timeLimit) problems.push(...timeLimitProblems(flow.timeLimit, false, `${where}/timeLimit`));

  const ids = new Set(entries.map((e) => e.node.id));
  for (const [from, to] of Object.entries(flow.nodeMap ?? {})) {
    if (!ids.has(to)) say(`/nodeMap/${from}`, `节点 ${to} 不在本版本中`);
  }
  return problems;
}

function returnProblems(entries: FlowNodeEntry[], of: FlowNodeEntry, to: string, at: string): string[] {
  if (RESERVED_TARGETS.has(to)) return [];
  if (to === of.node.id) return [`${at}: 不能退回到本节点`];
  const target = entries.find((e) => e.node.id === to);
  if (!target) return [`${at}: 退回目标 ${to} 不存在`];
  if (target.node.type !== 'approver') return [`${at}: 退回目标 ${to} 不是审批节点`];
  if (target.index > of.index) return [`${at}: 退回目标 ${to} 在本节点之后，只能退回到之前的节点`];
  if (!targetsOf(entries, of).includes(target)) {
    return [`${at}: 退回目标 ${to} 与本节点位于同一条件或并行节点的不同分支，不能退回`];
  }
  return [];
}

function timeLimitProblems(limit: TimeLimit, approver: boolean, at: string): string[] {
  const problems: string[] = [];
  if (
    limit.hours !== undefined &&
    limit.remindBeforeHours !== undefined &&
    limit.remindBeforeHours >= limit.hours
  ) {
    problems.push(
      `${at}/remindBeforeHours: 到期前提醒的时间（${limit.remindBeforeHours} 小时）须短于时限（${limit.hours} 小时）`,
    );
  }
  if (limit.onTimeout.action === 'auto-approve' && !approver) {
    problems.push(`${at}/onTimeout: 超时自动通过（auto-approve）只能用于审批节点`);
  }
  return problems;
}
