import { type AuditEntry, auditBeforeDisclosure } from '../audit';
import type { StaffPrincipal } from '../identity';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import { MATERIAL_FILE_RESPONSE, sendMaterial } from './material-response';
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
      200: MATERIAL_FILE_RESPONSE,
      404: { description: '办件不存在或不在本人权限范围内，或材料不属于该办件' },
      503: { description: '审计日志暂时无法写入（audit_unavailable），未返回文件' },
    },
    handler: async (ctx) => {
      const staffId = (ctx.state.staff as StaffPrincipal).id;
      const { id: caseId, materialId } = ctx.state.params as { id: string; materialId: string };
      await deps.assertVisible(staffId, caseId);
      const owner = await deps.attachmentOwner(caseId, materialId);
      if (!owner) throw materialErrors.notFound();
      await auditBeforeDisclosure(
        deps.audit,
        ctx,
        { action: 'pii.material', caseId, details: { materialId } },
        '不能查看申请材料',
      );
      sendMaterial(ctx, await deps.materials.content(owner, materialId));
    },
  });
}
