import type { JobDefinition } from '../scheduler';

/**
 * `workflow.deadlines`: the scheduled sweep of the workflow's deadlines. Every instance's timer runner
 * fires due timers (near-due reminders, 催办, then 督办 escalation, per each flow's time limits) within
 * a second; this job fires any that are still due — a runner stopped, every instance was down — and
 * reports how many it had to fire. Timers are claimed in the transaction that applies them, so the
 * job and the runners never fire one twice.
 */
export function deadlinesJob(fireDue: () => Promise<number>): JobDefinition {
  return {
    name: 'workflow.deadlines',
    title: '办理时限提醒、催办与督办',
    run: async () => {
      const fired = await fireDue();
      return {
        counts: { fired },
        summary: fired === 0 ? '没有遗漏的到期提醒' : `补发到期提醒、催办或督办 ${fired} 项`,
      };
    },
  };
}
