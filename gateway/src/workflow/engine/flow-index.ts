import { type FlowDefinition, type FlowNode, returnTargets } from '@gcrm/config/catalog';

/** Where a node sits: the sequence holding it, its position, and the container branch around it. */
export interface NodePlace {
  node: FlowNode;
  seq: readonly FlowNode[];
  pos: number;
  /** The condition/parallel node whose branch holds this node; null at the top level. */
  parentId: string | null;
  branch: number;
  /** Container chain from the top: [containerId, branch] pairs. */
  chain: readonly (readonly [string, number])[];
}

/**
 * A flow definition indexed for the engine: every node by id with its place in the tree. Built once
 * per published version and shared by every case on it.
 */
export class FlowIndex {
  private readonly places = new Map<string, NodePlace>();
  private readonly targets = new Map<string, string[]>();
  /** The flow has conditions, rule checks or rule-chosen assignees: running it needs the case's facts. */
  readonly needsFacts: boolean;

  constructor(readonly flow: FlowDefinition) {
    let needsFacts = false;
    const walk = (
      seq: readonly FlowNode[],
      parentId: string | null,
      branch: number,
      chain: NodePlace['chain'],
    ) => {
      seq.forEach((node, pos) => {
        this.places.set(node.id, { node, seq, pos, parentId, branch, chain });
        if (node.type === 'condition' || node.type === 'parallel') {
          node.branches.forEach((b, i) => {
            if ('when' in b && b.when) needsFacts = true;
            walk(b.nodes, node.id, i, [...chain, [node.id, i] as const]);
          });
        }
        if (node.type === 'condition') needsFacts = true;
        if (node.type === 'automatic' && node.action.type === 'rules') needsFacts = true;
        if (node.type === 'approver' && node.assignees.some((a) => a.type === 'rule' || a.type === 'ruleSet'))
          needsFacts = true;
      });
    };
    walk(flow.nodes, null, 0, []);
    this.needsFacts = needsFacts;
  }

  place(id: string): NodePlace {
    const place = this.places.get(id);
    if (!place) throw new Error(`flow ${this.flow.id}@${this.flow.version} has no node ${id}`);
    return place;
  }

  has(id: string): boolean {
    return this.places.has(id);
  }

  node(id: string): FlowNode {
    return this.place(id).node;
  }

  all(): NodePlace[] {
    return [...this.places.values()];
  }

  /** Whether `id` lies inside the subtree of `ancestor` (or is it). */
  within(id: string, ancestor: string): boolean {
    if (id === ancestor) return true;
    return this.place(id).chain.some(([c]) => c === ancestor);
  }

  /**
   * The approver nodes `from` may send a case back to (退回), by the rule publishing checks
   * (config/catalog/flow-checks.ts): nodes before it, except those in another branch of a container
   * that also holds `from`. Computed once per node for the life of the version.
   */
  returnTargets(from: string): string[] {
    let targets = this.targets.get(from);
    if (!targets) {
      targets = returnTargets(this.flow, from);
      this.targets.set(from, targets);
    }
    return targets;
  }

  /**
   * For a target `t` before `f`: the element of their deepest shared sequence that holds `t`
   * (eT) and the one that holds `f` (eF). Undefined when they sit in different branches of one
   * container.
   */
  split(t: NodePlace, f: NodePlace): { eT: string; eF: string } | undefined {
    let k = 0;
    while (k < t.chain.length && k < f.chain.length && t.chain[k]![0] === f.chain[k]![0]) {
      if (t.chain[k]![1] !== f.chain[k]![1]) return undefined;
      k++;
    }
    const eT = k < t.chain.length ? t.chain[k]![0] : t.node.id;
    const eF = k < f.chain.length ? f.chain[k]![0] : f.node.id;
    if (eT === eF) return undefined;
    return { eT, eF };
  }
}
