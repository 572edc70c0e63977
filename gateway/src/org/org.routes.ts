import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { OrgSource, OrgSync } from './org-sync';

const ProviderParams: JsonSchema = {
  type: 'object',
  required: ['provider'],
  properties: { provider: { type: 'string', enum: ['dingtalk', 'wecom'] } },
};

const SyncBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { dryRun: { type: 'boolean', default: false, description: '只出差异报告，不写入' } },
};

/** Org sync on demand (a 系统管理员): the directory brought in step with DingTalk or WeCom, with its diff report. */
export function orgAdminRoutes(
  api: RouteDefiner,
  sync: OrgSync,
  sources: Partial<Record<string, OrgSource>>,
) {
  api.define({
    method: 'post',
    path: '/admin/org/sync/:provider',
    operationId: 'syncOrg',
    summary: '从钉钉或企业微信同步组织架构',
    description: '返回差异报告：新增、调动、离职的人员，新增、改名、调整上级的部门。dryRun 只出报告。',
    tags: ['admin'],
    auth: 'admin',
    permission: 'org.sync',
    params: ProviderParams,
    body: SyncBody,
    responses: { 200: { description: '差异报告' }, 404: { description: '未配置该平台' } },
    handler: async (ctx) => {
      const provider = (ctx.state.params as { provider: string }).provider;
      const source = sources[provider];
      if (!source) throw errors.notFound('provider_not_configured', '未配置该平台的应用凭证');
      ctx.body = await sync.run(source, { dryRun: (ctx.state.body as { dryRun?: boolean }).dryRun === true });
    },
  });
}
