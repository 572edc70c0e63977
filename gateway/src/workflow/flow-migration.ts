import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import type { FlowIndex } from './engine/flow-index';
import type { LoadedState } from './engine/rows';
import type { FlowStore } from './flow-store';
import type { WorkflowRepository } from './workflow.repository';

export interface MigrationReport {
  flowId: string;
  fromVersion: number;
  toVersion: number;
  dryRun: boolean;
  migrated: { caseId: string; caseNumber: string }[];
  notMigrated: { caseId: string; caseNumber: string; reasons: string[] }[];
}

/**
 * Moves running cases from one flow version to another where their nodes map: every node that is
 * running (or waiting for a 补正) must map (through the new version's `nodeMap`, else by the same
 * id) to a node of the same type, approvers keep their mode, containers keep their branches, and
 * the running nodes must sit under running containers in the new tree as they did in the old.
 * Cases that do not map stay on their version, each with the reasons.
 */
export class FlowMigrator {
  constructor(
    private readonly db: Db,
    private readonly repo: WorkflowRepository,
    private readonly flows: FlowStore,
  ) {}

  async migrate(flowId: string, fromVersion: number, toVersion: number, opts: { dryRun: boolean }) {
    const from = await this.flows.get(`${flowId}@${fromVersion}`);
    const to = await this.flows.get(`${flowId}@${toVersion}`);
    if (!from || !to) throw errors.notFound('flow_not_found', '流程版本不存在');
    if (fromVersion === toVersion) {
      throw errors.validation([
        { pointer: '/toVersion', code: 'same_version', message: '目标版本与原版本相同' },
      ]);
    }
    const report: MigrationReport = {
      flowId,
      fromVersion,
      toVersion,
      dryRun: opts.dryRun,
      migrated: [],
      notMigrated: [],
    };
    for (const id of await this.repo.instancesOf(flowId, fromVersion)) {
      const state = await this.repo.load(id);
      if (!state) continue;
      const plan = planMigration(state, from, to);
      const who = { caseId: state.instance.case_id, caseNumber: state.instance.case_number };
      if ('reasons' in plan) {
        report.notMigrated.push({ ...who, reasons: plan.reasons });
        continue;
      }
      if (!opts.dryRun) {
        const tasks = state.tasks
          .filter((t) => plan.nodeIds.has(t.node_instance_id))
          .map((t) => {
            const nodeId = plan.nodeIds.get(t.node_instance_id)!;
            return { ...t, node_id: nodeId, node_name: to.node(nodeId).name };
          });
        const ok = await inTransaction(this.db, (tx) =>
          this.repo.migrateInstance(
            tx,
            state.instance,
            state.instance.row_version,
            toVersion,
            plan.nodeIds,
            tasks,
          ),
        );
        if (!ok) {
          report.notMigrated.push({ ...who, reasons: ['迁移时该办件正在被处理，请稍后重试'] });
          continue;
        }
      }
      report.migrated.push(who);
    }
    return report;
  }
}

/** Node-row id → new node id for every row whose node maps; or why the case cannot move. */
export function planMigration(
  state: LoadedState,
  from: FlowIndex,
  to: FlowIndex,
): { nodeIds: Map<string, string> } | { reasons: string[] } {
  const map = to.flow.nodeMap ?? {};
  const target = (oldId: string) => map[oldId] ?? oldId;
  const reasons: string[] = [];
  const nodeIds = new Map<string, string>();
  const live = state.nodes.filter((n) => n.status === 'active' || n.status === 'suspended');
  const liveNew = new Set<string>();
  for (const row of state.nodes) {
    const newId = target(row.node_id);
    if (to.has(newId)) nodeIds.set(row.id, newId);
  }
  for (const row of live) {
    const newId = target(row.node_id);
    const name = from.has(row.node_id) ? from.node(row.node_id).name : row.node_id;
    if (!to.has(newId)) {
      reasons.push(`当前环节「${name}」在新版本中没有对应节点`);
      continue;
    }
    const oldNode = from.node(row.node_id);
    const newNode = to.node(newId);
    if (oldNode.type !== newNode.type) {
      reasons.push(`当前环节「${name}」在新版本中的节点类型不同（${oldNode.type} → ${newNode.type}）`);
      continue;
    }
    if (oldNode.type === 'approver' && newNode.type === 'approver' && oldNode.mode !== newNode.mode) {
      reasons.push(`当前环节「${name}」的审批方式在新版本中改变了`);
      continue;
    }
    if (
      (oldNode.type === 'parallel' || oldNode.type === 'condition') &&
      (newNode.type === 'parallel' || newNode.type === 'condition') &&
      oldNode.branches.length !== newNode.branches.length
    ) {
      reasons.push(`当前环节「${name}」的分支数在新版本中改变了`);
      continue;
    }
    liveNew.add(newId);
  }
  if (reasons.length === 0) {
    // Every running node must still sit inside running containers, at the same branch.
    for (const row of live) {
      const newId = target(row.node_id);
      const oldChain = from.place(row.node_id).chain.map(([c, b]) => `${target(c)}#${b}`);
      const newChain = to.place(newId).chain.map(([c, b]) => `${c}#${b}`);
      if (oldChain.join('/') !== newChain.join('/')) {
        reasons.push(`当前环节「${to.node(newId).name}」在新版本中所处的分支结构不同`);
      }
    }
  }
  return reasons.length > 0 ? { reasons } : { nodeIds };
}
