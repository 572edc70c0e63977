import type { CitizenPrincipal } from '../identity';
import type { RouteDefiner } from '../platform/http/route';
import { describeKinds, MATERIAL_KINDS } from './kinds';
import { MATERIAL_FILE_RESPONSE, sendMaterial } from './material-response';
import { formatBytes, materialErrors } from './materials.errors';
import {
  ListMaterialsQuery,
  MaterialIdParams,
  MaterialListView,
  MaterialView,
  UploadQuery,
} from './materials.schema';
import { HARD_CAP_BYTES, type MaterialsService } from './materials.service';
import { readMultipart } from './multipart';

const citizenOf = (ctx: { state: { citizen?: unknown } }) => (ctx.state.citizen as CitizenPrincipal).id;
const idOf = (ctx: { state: { params?: unknown } }) => (ctx.state.params as { id: string }).id;

const UPLOAD_DESCRIPTION = `请求体为 multipart/form-data：
- \`file\`（必填）：文件本身，一次一个；
- \`materialCode\`（可选）：对应的办事指南材料编码；
- \`serviceCode\` + \`field\`（可选，也可放在查询参数中）：所填表单的附件字段，决定大小与类型限制（未指定时不超过 10 MB）。

文件类型按文件内容（魔数）识别，不看文件名和 Content-Type；允许：${describeKinds(MATERIAL_KINDS)}。单个文件无论如何不超过 ${formatBytes(HARD_CAP_BYTES)}；每人至多 200 份、共 500 MB。
同一市民再次上传相同内容（且材料编码相同）时返回 200 和已有材料（reused: true），首次上传返回 201。`;

/** Mounts the materials API (citizen session required on every route). */
export function materialsRoutes(api: RouteDefiner, materials: MaterialsService) {
  api.define({
    method: 'post',
    path: '/materials',
    operationId: 'uploadMaterial',
    summary: '上传申请材料',
    description: UPLOAD_DESCRIPTION,
    tags: ['materials'],
    auth: 'citizen',
    query: UploadQuery,
    responses: {
      201: { description: '已保存', schema: MaterialView, headers: { Location: '材料地址' } },
      200: { description: '相同文件已保存过，返回已有材料（reused: true）', schema: MaterialView },
      413: { description: '文件超过大小限制（material_too_large）或材料空间已满（material_quota_exceeded）' },
      415: {
        description:
          '不是 multipart/form-data（multipart_required），或文件类型不允许（material_type_not_allowed）',
      },
      422: { description: '未通过病毒扫描（material_infected），未保存' },
      503: { description: '病毒扫描暂不可用（material_scan_unavailable）' },
    },
    handler: async (ctx) => {
      if (!ctx.request.is('multipart/form-data')) throw materialErrors.multipartRequired();
      const query = ctx.state.query as { serviceCode?: string; field?: string };
      const limitFrom = (fields: Record<string, string>) =>
        materials.resolveLimit(query.serviceCode ?? fields.serviceCode, query.field ?? fields.field);
      const upload = await readMultipart(ctx.req, ctx.res, {
        fileField: 'file',
        fieldNames: ['materialCode', 'serviceCode', 'field'],
        hardCapBytes: HARD_CAP_BYTES,
        limitAtFileStart: (fields) => limitFrom(fields).maxBytes,
      });
      const { file, fields } = upload;
      if (!file) {
        throw materialErrors.field(
          { pointer: '/file', code: 'required', message: '请选择要上传的文件（file 字段）' },
          '缺少文件',
        );
      }
      const result = await materials.upload(citizenOf(ctx), {
        data: file.data,
        fileName: file.fileName,
        materialCode: fields.materialCode,
        // Text fields after the file are known only now: the limit is checked again.
        limit: limitFrom(fields),
      });
      ctx.status = result.status;
      ctx.body = result.material;
      if (result.status === 201) ctx.set('Location', `/api/v1/materials/${result.material.id}`);
    },
  });

  api.define({
    method: 'get',
    path: '/materials',
    operationId: 'listMyMaterials',
    summary: '我的材料',
    description: '已上传的材料，可在后续申请中直接复用；可按材料编码筛选。',
    tags: ['materials'],
    auth: 'citizen',
    query: ListMaterialsQuery,
    responses: { 200: { description: '按上传时间倒序', schema: MaterialListView } },
    handler: async (ctx) => {
      ctx.body = await materials.list(
        citizenOf(ctx),
        (ctx.state.query as { materialCode?: string }).materialCode,
      );
    },
  });

  api.define({
    method: 'get',
    path: '/materials/:id',
    operationId: 'getMyMaterial',
    summary: '材料信息',
    description: '仅本人的材料；他人的材料与不存在一样返回 404。',
    tags: ['materials'],
    auth: 'citizen',
    params: MaterialIdParams,
    responses: { 200: { description: '材料信息', schema: MaterialView } },
    handler: async (ctx) => {
      ctx.body = await materials.get(citizenOf(ctx), idOf(ctx));
    },
  });

  api.define({
    method: 'get',
    path: '/materials/:id/content',
    operationId: 'getMyMaterialContent',
    summary: '材料文件',
    description: '文件内容，Content-Type 为按内容识别的类型；Content-Disposition: inline。仅本人的材料。',
    tags: ['materials'],
    auth: 'citizen',
    params: MaterialIdParams,
    responses: { 200: MATERIAL_FILE_RESPONSE },
    handler: async (ctx) => {
      sendMaterial(ctx, await materials.content(citizenOf(ctx), idOf(ctx)));
    },
  });

  api.define({
    method: 'delete',
    path: '/materials/:id',
    operationId: 'deleteMyMaterial',
    summary: '删除材料',
    description: '仅可删除尚未用于已提交办件的材料。',
    tags: ['materials'],
    auth: 'citizen',
    params: MaterialIdParams,
    responses: {
      204: { description: '已删除' },
      409: { description: '材料已用于提交的办件（material_in_use）' },
    },
    handler: async (ctx) => {
      await materials.delete(citizenOf(ctx), idOf(ctx));
      ctx.status = 204;
    },
  });
}
