/** Rows of the workflow tables as the engine holds them in memory (JSON columns parsed). */

export type InstanceStatus = 'running' | 'correction' | 'approved' | 'rejected' | 'withdrawn';

export interface InstanceState {
  /** Set while the case is with the applicant for 补正: why, and who asked. */
  correction?: { reason: string; byNode: string; byStaff?: string; fields?: string[] };
  /** The case's status as last set by the workflow (a new case is 'submitted'). */
  caseStatus?: string;
  /** When the case went to the applicant for 补正 (its deadline is paused until they answer). */
  pausedAt?: number;
}

export interface InstanceRow {
  id: string;
  case_id: string;
  case_number: string;
  service_code: string;
  citizen_id: string;
  flow_id: string;
  flow_version: number;
  department: string;
  status: InstanceStatus;
  accepted_at: number | null;
  started_at: number;
  ended_at: number | null;
  due_at: number | null;
  state: InstanceState;
  row_version: number;
}

export type NodeStatus = 'active' | 'completed' | 'rejected' | 'returned' | 'cancelled' | 'suspended';

export interface NodeState {
  /** sequential approver: people still to come, in order. */
  queue?: string[];
  /** parallel: the branches that apply, those entered, and those finished. */
  branches?: number[];
  started?: number[];
  done?: number[];
  /** condition: the branch taken. */
  branch?: number;
  /** automatic: what the outside system reported. */
  result?: string;
}

export interface NodeRow {
  id: string;
  instance_id: string;
  node_id: string;
  node_type: string;
  round: number;
  status: NodeStatus;
  outcome: string | null;
  state: NodeState;
  started_at: number;
  ended_at: number | null;
  due_at: number | null;
}

export type TaskKind = 'approval' | 'cc';
/** open: to do · waiting: blocked behind a 前加签 · completed · transferred · cancelled (no longer needed). */
export type TaskStatus = 'open' | 'waiting' | 'completed' | 'transferred' | 'cancelled';
/** Where a task came from: the flow itself, a 转交, a 加签 (before / after / parallel), or a 督办 cc. */
export type TaskOrigin =
  | 'flow'
  | 'transfer'
  | 'add-before'
  | 'add-after'
  | 'add-parallel'
  | 'cc'
  | 'escalation';

export interface TaskRow {
  id: string;
  instance_id: string;
  node_instance_id: string;
  node_id: string;
  node_name: string;
  kind: TaskKind;
  case_id: string;
  case_number: string;
  service_code: string;
  department: string;
  assignee_id: string | null;
  /** Unclaimed group task: who may claim it. */
  candidates: string[] | null;
  status: TaskStatus;
  outcome: string | null;
  origin: TaskOrigin;
  parent_task_id: string | null;
  seq: number;
  created_at: number;
  claimed_at: number | null;
  completed_at: number | null;
  due_at: number | null;
  urged_at: number | null;
  supervised_at: number | null;
  row_version: number;
}

export interface HistoryRow {
  id: string;
  instance_id: string;
  case_id: string;
  seq: number;
  task_id: string | null;
  node_id: string | null;
  action: string;
  actor_type: 'staff' | 'citizen' | 'system';
  actor_id: string | null;
  comment: string | null;
  details: Record<string, unknown> | null;
  created_at: number;
}

/** Deadlines belong to node activations (node-*) or to the whole case (case-*). */
export type TimerKind = 'node-due' | 'node-near' | 'node-remind' | 'case-due' | 'case-near';

export interface TimerRow {
  id: string;
  instance_id: string;
  task_id: string | null;
  node_instance_id: string | null;
  kind: TimerKind;
  due_at: number;
  status: 'pending' | 'done' | 'cancelled';
  payload: { times?: number };
  fired_at: number | null;
  fired_by: string | null;
}

/** Everything the engine reads of one running case. */
export interface LoadedState {
  instance: InstanceRow;
  nodes: NodeRow[];
  tasks: TaskRow[];
}
