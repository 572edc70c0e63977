import type { Context } from 'koa';
import { AppError } from '../platform/errors';
import type { AuditEntry } from './audit.types';

/**
 * Personal data is disclosed to staff only once the disclosure is on the audit record (fail-closed):
 * appends the signed-in staff member's read, or answers 503 `audit_unavailable` and discloses nothing.
 * `refused` completes the zh-CN sentence: 「审计日志暂时无法写入，<refused>，请稍后重试」.
 */
export async function auditBeforeDisclosure(
  audit: { append(entry: AuditEntry): Promise<unknown> },
  ctx: Context,
  read: { action: string; caseId: string | null; details: Record<string, unknown> },
  refused: string,
): Promise<void> {
  const state = ctx.state as { staff?: { id: string }; requestId?: string };
  try {
    await audit.append({
      actorType: 'staff',
      actorId: state.staff?.id ?? null,
      action: read.action,
      objectType: read.caseId ? 'case' : null,
      objectId: read.caseId,
      result: 'success',
      ip: ctx.ip,
      requestId: state.requestId ?? null,
      details: read.details,
    });
  } catch {
    throw new AppError({
      status: 503,
      code: 'audit_unavailable',
      title: '审计日志不可用',
      detail: `审计日志暂时无法写入，${refused}，请稍后重试`,
      headers: { 'Retry-After': '5' },
      level: 'error',
    });
  }
}
