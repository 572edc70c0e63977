import { useCallback, useEffect, useState } from 'react';
import type { Api } from '../../services/api';
import { ACTION_LABELS, type ActionInput, actOnTask, getTask, NEEDS_COMMENT } from '../../services/staff';
import type { TaskAction, TaskDetail } from '../../services/types';

export type ActionOutcome =
  | { done: true }
  | { done: false; reason: 'cancelled' | 'invalid' | 'failed'; message?: string };

/** Why an action can't be confirmed yet (zh-CN), or undefined when it can. */
export function missingInput(action: TaskAction, input: ActionInput): string | undefined {
  if (NEEDS_COMMENT.includes(action) && !input.comment?.trim())
    return `请填写${action === 'return' ? '退回原因' : '意见'}`;
  if (action === 'return' && !input.target) return '请选择退回到哪一步';
  if (action === 'transfer' && !input.to) return '请选择转交给哪位同事';
  if (action === 'add-approver' && !input.staffIds?.length) return '请选择加签人';
  return undefined;
}

/**
 * The staff task page's logic: load, the actions the workflow allows now (in a fixed order), and acting
 * with an explicit confirmation naming the action and the case (no accidental approvals).
 */
export function useTask(api: Api, id: string) {
  const [detail, setDetail] = useState<TaskDetail>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    getTask(api, id).then(setDetail, (e: Error) => setError(e.message));
  }, [api, id]);
  useEffect(load, [load]);

  const actions = (Object.keys(ACTION_LABELS) as TaskAction[]).filter((a) => detail?.actions.includes(a));

  const act = useCallback(
    async (action: TaskAction, input: ActionInput): Promise<ActionOutcome> => {
      if (!detail || busy) return { done: false, reason: 'cancelled' };
      const missing = missingInput(action, input);
      if (missing) return { done: false, reason: 'invalid', message: missing };
      const label = ACTION_LABELS[action] ?? action;
      const ok = await api.platform.confirm({
        title: `确认${label}`,
        content: `办件 ${detail.task.caseNumber}（${detail.task.service.name}）：确定${label}吗？`,
        confirmText: label,
      });
      if (!ok) return { done: false, reason: 'cancelled' };
      setBusy(true);
      try {
        await actOnTask(api, id, action, input);
        api.platform.toast(`已${label}`, 'success');
        load();
        return { done: true };
      } catch (e) {
        return { done: false, reason: 'failed', message: (e as Error).message };
      } finally {
        setBusy(false);
      }
    },
    [api, busy, detail, id, load],
  );

  return { detail, error, busy, actions, act, reload: load };
}
