import type { HistoryRow, TaskRow } from './engine/rows';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const TASK_STATUS_LABELS: Record<string, string> = {
  open: '待办',
  waiting: '等待加签人处理',
  completed: '已办',
  transferred: '已转交',
  cancelled: '已取消',
};

export const OUTCOME_LABELS: Record<string, string> = {
  approved: '同意',
  rejected: '不同意',
  returned: '退回',
  transferred: '转交',
  not_needed: '无需处理',
  read: '已阅',
};

export const ACTION_LABELS: Record<string, string> = {
  started: '流程启动',
  claimed: '签收',
  approved: '同意',
  rejected: '不同意',
  returned: '退回',
  rewound: '流程退回至该节点',
  returned_to_applicant: '退回申请人补正',
  corrected: '申请人已补正',
  transferred: '转交',
  reassigned: '改派',
  approver_added: '加签',
  cc: '抄送',
  commented: '评论',
  urged: '催办',
  supervised: '督办',
  withdrawn: '申请人撤回',
  branch_taken: '条件分支',
  auto_approved: '自动通过',
  automatic_started: '推送外部系统',
  external_result: '外部系统反馈结果',
  rules_checked: '规则预审',
  timed_out: '超时处理',
  deadline_near: '临近办理时限',
  case_overdue: '办件超期',
  case_approved: '办结',
  case_rejected: '不予通过',
  case_withdrawn: '已撤回',
};

export type TaskView = ReturnType<typeof presentTask>;

export function presentTask(
  task: TaskRow,
  ctx: {
    now: number;
    serviceName?: string;
    department: { code: string; name: string };
    staffName: (id: string) => string | undefined;
  },
) {
  const person = (id: string | null) => (id ? { id, name: ctx.staffName(id) ?? id } : null);
  return {
    id: task.id,
    kind: task.kind,
    status: task.status,
    statusLabel: TASK_STATUS_LABELS[task.status] ?? task.status,
    outcome: task.outcome,
    outcomeLabel: task.outcome ? (OUTCOME_LABELS[task.outcome] ?? task.outcome) : null,
    origin: task.origin,
    caseId: task.case_id,
    caseNumber: task.case_number,
    service: { code: task.service_code, name: ctx.serviceName ?? task.service_code },
    node: { id: task.node_id, name: task.node_name },
    department: ctx.department,
    assignee: person(task.assignee_id),
    candidates: task.candidates?.map((id) => person(id)!) ?? null,
    createdAt: iso(task.created_at),
    claimedAt: iso(task.claimed_at),
    completedAt: iso(task.completed_at),
    dueAt: iso(task.due_at),
    overdue: task.due_at !== null && (task.completed_at ?? ctx.now) > task.due_at,
    urgedAt: iso(task.urged_at),
    supervisedAt: iso(task.supervised_at),
    version: task.row_version,
  };
}

export function presentHistory(rows: HistoryRow[], staffName: (id: string) => string | undefined) {
  return rows.map((h) => ({
    id: h.id,
    action: h.action,
    label: ACTION_LABELS[h.action] ?? h.action,
    nodeId: h.node_id,
    taskId: h.task_id,
    actor:
      h.actor_type === 'staff' && h.actor_id
        ? { type: 'staff', id: h.actor_id, name: staffName(h.actor_id) ?? h.actor_id }
        : { type: h.actor_type, name: h.actor_type === 'citizen' ? '申请人' : '系统' },
    comment: h.comment,
    details: h.details,
    at: new Date(h.created_at).toISOString(),
  }));
}
