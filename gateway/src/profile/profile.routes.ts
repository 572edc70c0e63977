import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { Context } from 'koa';
import type { CitizenPrincipal } from '../identity/authenticate';
import type { RouteDefiner } from '../platform/http/route';
import type { CitizenProfiles } from './citizen-profiles';
import type { ProfilePurpose } from './consent';
import { ConsentBody, MyProfileView, RealNameBody } from './profile.schema';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;

/** 我的档案: `getMyProfile`, `bindRealName`, `setProfileConsent`. */
export function profileRoutes(api: RouteDefiner, profiles: CitizenProfiles) {
  api.define({
    method: 'get',
    path: '/me/profile',
    operationId: 'getMyProfile',
    summary: '我的档案（各部门数据、来源与授权）',
    description:
      '实名认证后，返回档案中的每项信息及其来源部门和日期、未使用的来源、来源间不一致之处、人生事件时间线和各来源的授权状态。身份证号码与姓名已脱敏。',
    tags: ['profile'],
    auth: 'citizen',
    responses: { 200: { description: '我的档案；未实名认证时 bound 为 false', schema: MyProfileView } },
    handler: async (ctx) => {
      ctx.body = await profiles.view(citizenOf(ctx));
    },
  });

  api.define({
    method: 'post',
    path: '/me/real-name',
    operationId: 'bindRealName',
    summary: '实名认证（姓名 + 身份证号码，经公安户籍核验）',
    description:
      '姓名须与公安户籍记录一致。通过后账号与本人档案关联，可查看可享受的政策和主动服务。每个账号每小时最多尝试 5 次。',
    tags: ['profile'],
    auth: 'citizen',
    body: RealNameBody,
    responses: {
      200: { description: '已认证，返回我的档案', schema: MyProfileView },
      409: { description: 'real_name_bound：该账号或该身份已绑定' },
      422: { description: 'real_name_mismatch：姓名与身份证号码不一致' },
      429: { description: 'real_name_too_frequent' },
      503: { description: 'real_name_unavailable：户籍核验服务暂时不可用' },
    },
    handler: async (ctx) => {
      const { name, idNumber } = ctx.state.body as { name: string; idNumber: string };
      ctx.body = await profiles.bind(citizenOf(ctx), name, idNumber, {
        ip: ctx.ip || null,
        requestId: (ctx.state as { requestId?: string }).requestId ?? null,
      });
    },
  });

  api.define({
    method: 'put',
    path: '/me/profile/consents',
    operationId: 'setProfileConsent',
    summary: '设置某部门数据的某项用途是否允许',
    description: '撤回后该来源的数据不再用于该用途（判断政策、自动填表或主动推送），档案中注明未使用。',
    tags: ['profile'],
    auth: 'citizen',
    body: ConsentBody,
    responses: {
      200: { description: '我的档案', schema: MyProfileView },
      403: { description: 'real_name_required：请先完成实名认证' },
    },
    handler: async (ctx) => {
      const b = ctx.state.body as { source: DeptSourceKey; purpose: ProfilePurpose; granted: boolean };
      ctx.body = await profiles.setConsent(citizenOf(ctx), b.source, b.purpose, b.granted);
    },
  });
}
