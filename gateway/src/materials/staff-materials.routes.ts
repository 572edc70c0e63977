import type { Context } from 'koa';
import type { AuditEntry } from '../audit';
import type { StaffPrincipal } from '../identity';
import { AppError } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import { materialErrors } from './materials.errors';
import type { MaterialsService } from './materials.service';

const CaseMaterialParams: JsonSchema = {
  type: 'object',
  required: ['id', 'materialId'],
  properties: { id: { type: 'string', format: 'uuid' }, materialId: { type: 'string', format: 'uuid' } },
};

/** What the preview needs of the other contexts: the staff member's scope and the case's attachments. */
export interface StaffMaterialDeps {
  materials: Pick<MaterialsService, 'content'>;
  /** 404 unless the case is within the staff member's data scope (the workflow's policy). */
  assertVisible(staffId: string, caseId: string): Promise<void>;
  /** The applicant when `materialId` is an attachment of the case, else undefined. */
  attachmentOwner(caseId: string, materialId: string): Promise<string | undefined>;
  audit: { append(entry: AuditEntry): Promise<unknown> };
}

/**
 * 材料预览 for staff: a file attached to a case within their scope, streamed like the citizen's own
 * (inline, nosniff, ETag, never cached). A material is personal data: the read is on the audit record
 * (who, which case and material — never the content) before anything is sent, or nothing is sent.
 */
export function staffMaterialRoutes(api: RouteDefiner, deps: StaffMaterialDeps) {
  api.define({
    method: 'get',
    path: '/staff/cases/:id/materials/:materialId',
    operationId: 'staffCaseMaterialContent',
    summary: '查看办件的申请材料（本部门范围内，留审计记录）',
    description:
      '文件内容，Content-Type 为按内容识别的类型，Content-Disposition: inline；办件不在本人范围内或材料不属于该办件时返回 404。',
    tags: ['staff'],
    auth: 'staff',
    permission: 'cases.read',
    params: CaseMaterialParams,
    responses: {
      200: {
        description: '文件内容（二进制）',
        headers: {
          'Content-Type': '按内容识别的类型',
          'Content-Disposition': "inline; filename*=UTF-8''…",
          ETag: '内容的 SHA-256',
        },
      },
      404: { description: '办件不存在或不在本人权限范围内，或材料不属于该办件' },
      503: { description: '审计日志暂时无法写入（audit_unavailable），未返回文件' },
    },
    handler: async (ctx) => {
      const staffId = (ctx.state.staff as StaffPrincipal).id;
      const { id: caseId, materialId } = ctx.state.params as { id: string; materialId: string };
      await deps.assertVisible(staffId, caseId);
      const owner = await deps.attachmentOwner(caseId, materialId);
      if (!owner) throw materialErrors.notFound();
      await auditFirst(deps.audit, ctx, staffId, caseId, materialId);
      const content = await deps.materials.content(owner, materialId);
      ctx.set('Content-Disposition', content.disposition);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('ETag', `"${content.sha256}"`);
      ctx.set('Cache-Control', 'private, no-store');
      ctx.body = content.data;
      ctx.type = content.mime;
    },
  });
}

async function auditFirst(
  audit: StaffMaterialDeps['audit'],
  ctx: Context,
  staffId: string,
  caseId: string,
  materialId: string,
): Promise<void> {
  try {
    await audit.append({
      actorType: 'staff',
      actorId: staffId,
      action: 'pii.material',
      objectType: 'case',
      objectId: caseId,
      result: 'success',
      ip: ctx.ip,
      requestId: (ctx.state as { requestId?: string }).requestId ?? null,
      details: { materialId },
    });
  } catch {
    throw new AppError({
      status: 503,
      code: 'audit_unavailable',
      title: '审计日志不可用',
      detail: '审计日志暂时无法写入，不能查看申请材料，请稍后重试',
      headers: { 'Retry-After': '5' },
      level: 'error',
    });
  }
}
