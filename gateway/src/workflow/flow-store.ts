import { createHash } from 'node:crypto';
import {
  type AssigneeRule,
  checkFlowDocument,
  type FlowDefinition,
  type FlowNode,
  flowKey,
} from '@gcrm/config/catalog';
import type { Kysely } from 'kysely';
import { PublishError, type PublishProblem, problemAt } from '../catalog';
import type { Db } from '../platform/db/database';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { stableStringify } from '../platform/stable-json';
import { FlowIndex } from './engine/flow-index';
import type { WorkflowTables } from './workflow.repository';

/** What publishing needs to know of the org: which departments and people exist. */
export interface OrgNames {
  hasDepartment(code: string): boolean;
  hasStaff(id: string): boolean;
}

const checksum = (doc: unknown) => createHash('sha256').update(stableStringify(doc)).digest('hex');

/**
 * Published flow versions. A version is immutable once published (same content again: unchanged;
 * other content: refused); running cases keep the version they started with, so every version stays
 * loadable. Indexed definitions are cached for good: they cannot change.
 */
export class FlowStore {
  private readonly db: Kysely<WorkflowTables>;
  private readonly cache = new Map<string, FlowIndex>();

  constructor(
    db: Db,
    private readonly org: OrgNames,
  ) {
    this.db = db as unknown as Kysely<WorkflowTables>;
  }

  async publish(
    flows: FlowDefinition[],
    by: string,
    now = Date.now(),
  ): Promise<{ flows: { id: string; version: number; status: 'published' | 'unchanged' }[] }> {
    const problems: PublishProblem[] = [];
    flows.forEach((flow, i) => {
      for (const p of checkFlowDocument(flow)) problems.push(problemAt(`/flows/${i}`, p));
      if (problems.length === 0)
        for (const p of this.referenceProblems(flow)) problems.push({ pointer: `/flows/${i}`, message: p });
    });
    if (problems.length > 0) throw new PublishError(problems);
    return inTransaction(this.db as unknown as Db, async (tx) => {
      const t = tx as unknown as Kysely<WorkflowTables>;
      const result: { id: string; version: number; status: 'published' | 'unchanged' }[] = [];
      for (const [i, flow] of flows.entries()) {
        const sum = checksum(flow);
        const existing = await t
          .selectFrom('wf_flows')
          .select('checksum')
          .where('flow_id', '=', flow.id)
          .where('version', '=', flow.version)
          .executeTakeFirst();
        if (existing?.checksum === sum) {
          result.push({ id: flow.id, version: flow.version, status: 'unchanged' });
          continue;
        }
        if (existing) {
          problems.push({
            pointer: `/flows/${i}/version`,
            message: `流程 ${flowKey(flow)} 已发布，已发布的版本不可修改，请提升版本号`,
          });
          continue;
        }
        await t
          .insertInto('wf_flows')
          .values({
            flow_id: flow.id,
            version: flow.version,
            definition: JSON.stringify(flow),
            checksum: sum,
            published_at: now,
            published_by: by,
          })
          .execute();
        result.push({ id: flow.id, version: flow.version, status: 'published' });
      }
      if (problems.length > 0) throw new PublishError(problems);
      return { flows: result };
    });
  }

  /** The indexed definition of `id@version`, or undefined when that version was never published. */
  async get(key: string, tx?: Tx): Promise<FlowIndex | undefined> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const at = key.lastIndexOf('@');
    // Inside a transaction, read through it: SQLite has one connection, held by that transaction.
    const row = await ((tx as unknown as Kysely<WorkflowTables>) ?? this.db)
      .selectFrom('wf_flows')
      .select('definition')
      .where('flow_id', '=', key.slice(0, at))
      .where('version', '=', Number(key.slice(at + 1)))
      .executeTakeFirst();
    if (!row) return undefined;
    const index = new FlowIndex(JSON.parse(row.definition) as FlowDefinition);
    this.cache.set(key, index);
    return index;
  }

  async versions(flowId: string): Promise<{ version: number; publishedAt: number; publishedBy: string }[]> {
    const rows = await this.db
      .selectFrom('wf_flows')
      .select(['version', 'published_at', 'published_by'])
      .where('flow_id', '=', flowId)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      publishedAt: Number(r.published_at),
      publishedBy: r.published_by,
    }));
  }

  /** Departments and people a flow names must exist in the org directory. */
  private referenceProblems(flow: FlowDefinition): string[] {
    const problems: string[] = [];
    const where = `流程 ${flowKey(flow)}`;
    const department = (code: string | undefined, node: string) => {
      if (code !== undefined && !this.org.hasDepartment(code))
        problems.push(`${where} 节点 ${node}: 部门 ${code} 不存在`);
    };
    const rule = (r: AssigneeRule, node: string) => {
      if (r.type === 'user') {
        for (const u of r.users)
          if (!this.org.hasStaff(u)) problems.push(`${where} 节点 ${node}: 人员 ${u} 不存在`);
      } else if (r.type === 'rule') {
        for (const c of r.cases) rule(c.assignees, node);
        if (r.otherwise) rule(r.otherwise, node);
      } else if (r.type === 'ruleSet') {
        rule(r.otherwise, node);
      } else department(r.department, node);
    };
    department(flow.department, '(流程)');
    const walk = (nodes: FlowNode[]) => {
      for (const n of nodes) {
        const limit = n.timeLimit?.onTimeout;
        if (limit && (limit.action === 'escalate' || limit.action === 'transfer')) rule(limit.to, n.id);
        if (n.type === 'approver') {
          department(n.department, n.id);
          for (const r of n.assignees) rule(r, n.id);
        } else if (n.type === 'cc') {
          department(n.department, n.id);
          for (const r of n.recipients) rule(r, n.id);
        } else if (n.type === 'automatic') department(n.department, n.id);
        else if (n.type === 'condition' || n.type === 'parallel') for (const b of n.branches) walk(b.nodes);
      }
    };
    walk(flow.nodes);
    return problems;
  }
}
