import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { AuditLog } from './audit-log';

const ListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', description: '起（含）' },
    to: { type: 'string', format: 'date-time', description: '止（不含）' },
    actor: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 64 },
    cursor: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
};

/**
 * The audit admin's view (审计管理员): the audit log, newest first, filtered by time, actor and
 * operation, and a check of its hash chain. Read-only: nothing in the product changes or deletes a row.
 */
/** `publicKeys`: SM2 public keys (hex) whose checkpoint signatures the verification checks (this gateway's signer). */
export function auditRoutes(api: RouteDefiner, audit: AuditLog, publicKeys: readonly string[] = []) {
  api.define({
    method: 'get',
    path: '/admin/audit',
    operationId: 'listAudit',
    summary: '审计日志（审计管理员）',
    tags: ['admin'],
    auth: 'staff',
    permission: 'audit.read',
    query: ListQuery,
    responses: { 200: { description: '审计记录，按时间倒序' } },
    handler: async (ctx) => {
      const q = ctx.state.query as {
        from?: string;
        to?: string;
        actor?: string;
        action?: string;
        cursor?: string;
        limit?: number;
      };
      ctx.body = await audit.list({
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
        actor: q.actor,
        action: q.action,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  });

  api.define({
    method: 'get',
    path: '/admin/audit/verification',
    operationId: 'verifyAudit',
    summary: '校验审计日志的哈希链（审计管理员）',
    description:
      '逐条重算 SM3 哈希链并检查序号连续；返回第一条异常记录（若有），并用本网关的 SM2 公钥校验检查点签名（其他密钥签的检查点请用 npm run audit:verify 配合公钥校验）。',
    tags: ['admin'],
    auth: 'staff',
    permission: 'audit.read',
    responses: { 200: { description: '校验结果' } },
    handler: async (ctx) => {
      ctx.body = await audit.verify({ publicKeys });
    },
  });
}
