import type { PersonalDataSource } from '../rights/personal-data-source';
import type { AuditLog } from './audit-log';

/**
 * The audit log records what a citizen did (sign-ins, requests). It is a network log the law makes
 * us keep (Cybersecurity Law Art. 21: at least six months) and append-only by design: a deletion
 * request records the exception instead of removing rows.
 */
export function auditPersonalData(audit: AuditLog): PersonalDataSource {
  const mine = async (citizenId: string) => {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await audit.list({ actor: citizenId, cursor, limit: 500 });
      items.push(...page.items.filter((r) => r.actorType === 'citizen'));
      cursor = page.nextCursor;
    } while (cursor && items.length < 5000);
    return items;
  };
  return {
    name: 'audit',
    title: '操作记录',
    export: async (citizenId) =>
      (await mine(citizenId)).map((r) => ({
        at: new Date(r.at).toISOString(),
        action: r.action,
        result: r.result,
      })),
    erase: async (citizenId) => ({
      deleted: 0,
      retained: {
        count: (await mine(citizenId)).length,
        basis: '依据《中华人民共和国网络安全法》第二十一条，网络日志留存不少于六个月',
        processing: '仅用于安全审计，到期后按档案管理规定归档或删除',
      },
    }),
  };
}
