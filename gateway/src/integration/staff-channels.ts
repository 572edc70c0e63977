import type { IdentityProvider, StaffIdentities } from '../org/staff-identities';

/** A workflow task message as the outbox carries it (engine.ts `message`). */
export interface TaskMessage {
  taskId: string;
  caseId: string;
  caseNumber: string;
  serviceCode: string;
  nodeName: string;
  kind?: string;
  assigneeId: string | null;
  candidates: string[] | null;
  dueAt: number | null;
}

/** The staff members a task message concerns: its assignee, or else its candidates. */
export const staffOfTask = (m: TaskMessage): string[] =>
  m.assigneeId ? [m.assigneeId] : (m.candidates ?? []);

/** Each staff member's user id on one platform; staff without one are left out. */
export function platformUsers(identities: StaffIdentities, provider: IdentityProvider) {
  return async (staffIds: string[]): Promise<string[]> => {
    const ids = await Promise.all(
      staffIds.map(
        async (id) => (await identities.identitiesOf(id)).find((i) => i.provider === provider)?.external_id,
      ),
    );
    return ids.filter((id): id is string => typeof id === 'string' && id !== '');
  };
}

/** `2026-11-27 15:30` in China time, for message texts. */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** What the message says about one task event (zh-CN, no personal data). */
export function taskNotice(
  topic: string,
  m: TaskMessage,
  serviceName: string,
): { title: string; text: string } | undefined {
  const due = m.dueAt ? `，请于 ${chinaTime(Number(m.dueAt))} 前办理` : '';
  const what = `${serviceName}（${m.caseNumber}）「${m.nodeName}」`;
  switch (topic) {
    case 'task.created':
      return { title: `【待办】${serviceName}`, text: `您有一件新的待办：${what}${due}。` };
    case 'task.urged':
      return { title: `【催办】${serviceName}`, text: `办件 ${what} 被催办${due}。` };
    case 'task.supervised':
      return { title: `【督办】${serviceName}`, text: `办件 ${what} 已列入督办，请优先办理${due}。` };
    case 'task.deadline_near':
      return { title: `【即将到期】${serviceName}`, text: `办件 ${what} 即将到期${due}。` };
    case 'task.overdue':
      return { title: `【已超期】${serviceName}`, text: `办件 ${what} 已超过办理时限，请尽快办理。` };
    default:
      return undefined;
  }
}

export const NOTICE_TOPICS = [
  'task.created',
  'task.urged',
  'task.supervised',
  'task.deadline_near',
  'task.overdue',
] as const;
