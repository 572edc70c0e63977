/**
 * Flow definitions (流程定义): a DingTalk-style tree of nodes, stored as data in
 * config/catalog/flows/<id>@<version>.json and validated by config/schemas/flow.schema.json plus
 * {@link checkFlow}. The workflow engine (gateway/src/workflow) interprets it; published versions are
 * immutable and running cases stay on the version they started with.
 *
 * A flow is a sequence of nodes. Containers (condition, parallel) hold branches, each again a
 * sequence. Node ids are unique across the whole tree: the engine addresses nodes by id (退回 to a
 * node, timers, migrations).
 */
import type { Condition } from './index';

/** How long a node may take, counted on the working-day calendar, and what happens when it is over. */
export interface TimeLimit {
  /** Working days (法定工作日: weekends and public holidays skipped, 调休 workdays counted). */
  workingDays?: number;
  /** Working hours (within the calendar's office hours). Exactly one of this and workingDays is set. */
  hours?: number;
  /** Send a near-due reminder this many working hours before the deadline (default: none). */
  remindBeforeHours?: number;
  onTimeout: TimeoutPolicy;
}

export type TimeoutPolicy =
  /** Remind the assignees (催办), then again every `repeatEveryHours` up to `maxTimes` (default once). */
  | { action: 'remind'; repeatEveryHours?: number; maxTimes?: number }
  /** 督办: tell the supervisors and add them as cc; the task stays with its assignee. */
  | { action: 'escalate'; to: AssigneeRule }
  /** Move the open tasks to other people (自动转交). */
  | { action: 'transfer'; to: AssigneeRule }
  /** Approve on the assignee's behalf, where the policy allows silence to mean consent (超时自动通过). */
  | { action: 'auto-approve' };

/**
 * Who gets a task. Departments are codes of the org directory; roles are role codes. A missing
 * `department` means the node's department, or the flow's lead department where the node has none
 * (cc and automatic nodes without one, condition/parallel nodes, the whole-case time limit).
 */
export type AssigneeRule =
  | { type: 'user'; users: string[] }
  /** Members of `department` (default: the node's department) holding `role`. */
  | { type: 'role'; role: string; department?: string }
  /** Every member of a department (default: the node's department). */
  | { type: 'department'; department?: string }
  /** The head of the department (level 1), or of its parent (level 2), … */
  | { type: 'departmentHead'; department?: string; level?: number }
  /** Chosen by the shared condition language over form data and case facts. */
  | { type: 'rule'; cases: { when: Condition; assignees: AssigneeRule }[]; otherwise?: AssigneeRule }
  /**
   * Chosen by a published `dispatch` rule set (issue 9: business staff edit it as data, tested and versioned):
   * the outcome `{assignees}` of the rule that decides, else `otherwise` (also when nobody it names is active).
   */
  | { type: 'ruleSet'; code: string; otherwise: AssigneeRule };

interface NodeBase {
  /** Unique within the flow; `^[a-z][a-z0-9-]*$`. */
  id: string;
  /** Shown to staff and (in plain words) to the citizen. */
  name: string;
  timeLimit?: TimeLimit;
}

/** Staff operations a node may offer. */
export type TaskAction = 'approve' | 'reject' | 'return' | 'transfer' | 'addApprover' | 'comment';

export interface ApproverNode extends NodeBase {
  type: 'approver';
  /** The department that owns the tasks (scoping of worklists). */
  department: string;
  /** 依次 sequential: one after another; 会签 all: everyone must approve; 或签 any: one approval suffices. */
  mode: 'sequential' | 'all' | 'any';
  /** Union of the people the rules resolve to, in order (order matters for sequential). */
  assignees: AssigneeRule[];
  /** One shared task for all candidates that one of them claims (签收) before acting; only with mode any. */
  claim?: boolean;
  /** Completing this node is the formal 受理 of the case: the applicant can no longer withdraw. */
  accepts?: boolean;
  /**
   * What a rejection does: end the case as rejected, or return it (退回) to an earlier approver node
   * (one of `returnTargets(flow, id)`), the previous node or the applicant. Because `to` is a plain
   * string, `previous` and `applicant` cannot be node ids.
   */
  onReject: { action: 'end' } | { action: 'return'; to: string | 'previous' | 'applicant' };
  /** No assignee resolved (审批人为空): approve automatically, or give the task to the department head. */
  whenNoAssignee?: 'auto-approve' | 'department-head';
  /** Operations offered to staff (default: all). approve and reject are always offered. */
  actions?: TaskAction[];
}

export interface CcNode extends NodeBase {
  type: 'cc';
  recipients: AssigneeRule[];
  /** Department the cc is on behalf of (default: the flow's). */
  department?: string;
}

export interface ConditionBranch {
  name: string;
  /** Facts: `form.*` (form data), `case.*` (serviceCode, channel, applicantKind …). */
  when?: Condition;
  /** Taken when no other branch holds; exactly one branch of a condition node is the default. */
  default?: boolean;
  nodes: FlowNode[];
}

export interface ConditionNode extends NodeBase {
  type: 'condition';
  /** Evaluated in order; the first that holds is taken, else the default. */
  branches: ConditionBranch[];
}

export interface ParallelBranch {
  name: string;
  /** Only run this branch when the condition holds (e.g. an optional service of a bundle the citizen chose). */
  when?: Condition;
  nodes: FlowNode[];
}

export interface ParallelNode extends NodeBase {
  type: 'parallel';
  /** All branches (that apply) run at once; the node completes when every one has finished (join). */
  branches: ParallelBranch[];
}

export type AutomaticAction =
  /** Hand the case to an outside system through the outbox (e.g. push to a department's OA). */
  | { type: 'connector'; connector: string; operation: string; params?: Record<string, unknown> }
  /** Rule check (pre-review): every condition must hold, else `otherwise` with the failed messages. */
  | {
      type: 'rules';
      conditions: { when: Condition; message: string }[];
      otherwise: 'reject' | 'return-to-applicant';
    };

export interface AutomaticNode extends NodeBase {
  type: 'automatic';
  department?: string;
  action: AutomaticAction;
  /** connector only: wait for the outside system to report a result (approved / rejected) before moving on. */
  waitForResult?: boolean;
}

export interface EndNode extends NodeBase {
  type: 'end';
  outcome: 'approved' | 'rejected';
}

export type FlowNode = ApproverNode | CcNode | ConditionNode | ParallelNode | AutomaticNode | EndNode;

export interface FlowDefinition {
  id: string;
  version: number;
  name: string;
  /** Lead department (牵头部门): owns the case as a whole. */
  department: string;
  /** Whole-case limit (e.g. the promised 承诺时限). */
  timeLimit?: TimeLimit;
  nodes: FlowNode[];
  /**
   * For migrating running cases from the previous version: old node id → new node id. Nodes not
   * listed map to the node with the same id, when there is one.
   */
  nodeMap?: Record<string, string>;
}

/** `id@version` of a flow. */
export const flowKey = (flow: { id: string; version: number }) => `${flow.id}@${flow.version}`;
