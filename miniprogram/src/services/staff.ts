import type { Api } from './api';
import type { CaseMaterial, Dashboard, Page, StaffMe, TaskAction, TaskDetail, TaskSummary } from './types';

export type Box = 'todo' | 'done' | 'cc';

export const BOXES: { box: Box; label: string }[] = [
  { box: 'todo', label: '待办' },
  { box: 'done', label: '已办' },
  { box: 'cc', label: '抄送我' },
];

export const getStaffMe = (api: Api) => api.staffHttp.get<StaffMe>('/staff/me');

export function listTasks(
  api: Api,
  query: {
    box: Box;
    serviceCode?: string;
    caseNumber?: string;
    overdue?: boolean;
    unread?: boolean;
    cursor?: string;
  },
) {
  return api.staffHttp.get<Page<TaskSummary>>('/staff/tasks', query);
}

export const getTask = (api: Api, id: string) => api.staffHttp.get<TaskDetail>(`/staff/tasks/${id}`);

export interface ActionInput {
  comment?: string;
  target?: string;
  to?: string;
  staffIds?: string[];
  position?: 'before' | 'after' | 'parallel';
}

/** Only the fields each action's body accepts (the gateway rejects unknown fields). */
export function actionBody(action: TaskAction, input: ActionInput): Record<string, unknown> {
  const comment = input.comment?.trim() ? { comment: input.comment.trim() } : {};
  switch (action) {
    case 'return':
      return { target: input.target, ...comment };
    case 'transfer':
      return { to: input.to, ...comment };
    case 'add-approver':
      return { staffIds: input.staffIds, position: input.position ?? 'after', ...comment };
    case 'cc':
      return { staffIds: input.staffIds, ...comment };
    default:
      return comment;
  }
}

export function actOnTask(api: Api, id: string, action: TaskAction, input: ActionInput) {
  return api.staffHttp.post<TaskSummary>(`/staff/tasks/${id}/${action}`, actionBody(action, input));
}

/** What staff see on the buttons and in the confirmation; the order is the order on screen. */
export const ACTION_LABELS: Partial<Record<TaskAction, string>> = {
  claim: '签收',
  approve: '同意',
  reject: '不同意',
  return: '退回',
  transfer: '转交',
  'add-approver': '加签',
  comment: '评论',
  read: '已阅',
};

/** Actions that need a written reason before they can be confirmed. */
export const NEEDS_COMMENT: TaskAction[] = ['reject', 'return', 'comment'];

export const DASHBOARD_PERIODS = [7, 30, 90] as const;

export const getDashboard = (api: Api, days: number) =>
  api.staffHttp.get<Dashboard>('/staff/dashboard', { days });

/**
 * Opens a material of a case in the platform's viewer. The file is fetched with the staff token (a
 * stale one is renewed once); the gateway checks the case is in the staff member's scope and audits it.
 */
export async function openCaseMaterial(api: Api, caseId: string, m: CaseMaterial): Promise<void> {
  const open = () =>
    api.platform.openFile({
      url: `${api.baseUrl}/staff/cases/${caseId}/materials/${m.id}`,
      header: { Authorization: `Bearer ${api.staff.accessToken() ?? ''}` },
      mime: m.mime,
      name: m.name,
    });
  try {
    await open();
  } catch (e) {
    if (!(await api.staff.refresh())) throw e;
    await open();
  }
}

/** 查看原文: the full value of a sensitive field (or `delivery.phone` / `delivery.detail`), audited with the purpose. */
export const revealCaseField = (api: Api, caseId: string, field: string, purpose: string) =>
  api.staffHttp.post<{ caseId: string; field: string; value: string }>(`/staff/cases/${caseId}/reveal`, {
    field,
    purpose,
  });
