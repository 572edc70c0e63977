import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { StaffIdentities } from './staff-identities';

const Params: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } },
};

const LinkParams: JsonSchema = {
  type: 'object',
  required: ['id', 'provider'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    provider: { type: 'string', enum: ['dingtalk', 'wecom', 'oa'] },
  },
};

const LinkBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['externalId'],
  properties: {
    externalId: { type: 'string', title: '外部账号', minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' },
    unionId: { type: 'string', maxLength: 128 },
  },
};

/**
 * One person, several identities: a 安全管理员 links a staff member's DingTalk/WeCom user id or legacy
 * OA account by hand (the org sync links platform members itself), and lists them.
 */
export function staffIdentityRoutes(
  api: RouteDefiner,
  db: Db,
  identities: StaffIdentities,
  isActiveStaff: (id: string) => boolean,
) {
  api.define({
    method: 'get',
    path: '/admin/staff/:id/identities',
    operationId: 'staffIdentities',
    summary: '工作人员关联的钉钉、企业微信与 OA 账号',
    tags: ['admin'],
    auth: 'staff',
    permission: 'roles.grant',
    params: Params,
    responses: { 200: { description: '关联账号' }, 404: { description: '无此工作人员' } },
    handler: async (ctx) => {
      const id = (ctx.state.params as { id: string }).id;
      if (!isActiveStaff(id)) throw errors.notFound('staff_not_found', '未找到该工作人员');
      const rows = await identities.identitiesOf(id);
      ctx.body = {
        items: rows.map((r) => ({
          provider: r.provider,
          externalId: r.external_id,
          unionId: r.union_id,
          linkedAt: new Date(Number(r.linked_at)).toISOString(),
        })),
      };
    },
  });

  api.define({
    method: 'put',
    path: '/admin/staff/:id/identities/:provider',
    operationId: 'linkStaffIdentity',
    summary: '为工作人员关联钉钉、企业微信或 OA 账号（安全管理员）',
    tags: ['admin'],
    auth: 'staff',
    permission: 'roles.grant',
    params: LinkParams,
    body: LinkBody,
    responses: { 204: { description: '已关联' }, 404: { description: '无此工作人员' } },
    handler: async (ctx) => {
      const { id, provider } = ctx.state.params as { id: string; provider: 'dingtalk' | 'wecom' | 'oa' };
      const { externalId, unionId } = ctx.state.body as { externalId: string; unionId?: string };
      if (!isActiveStaff(id)) throw errors.notFound('staff_not_found', '未找到该工作人员');
      await inTransaction(db, (tx) =>
        identities.link(tx, provider, externalId, id, unionId ?? null, Date.now()),
      );
      ctx.status = 204;
    },
  });
}
